"""Template-driven oncology news prose for the offline twin.

Everything here is a pure function of a ``random.Random`` instance, so an article's text is
deterministic for a given (seed, index).  Output is a list of *blocks* (see ``Block``) that the
renderers turn into Portable Text, HTML or JSON-LD, and that ``truth`` turns into the expected
``articleBody``.  No phrase produced here may contain any of ``BOILERPLATE_PHRASES``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

# A span is (text, href or None); a block is one paragraph-level element.


@dataclass
class Block:
    """One paragraph-level element of an article body.

    kind: "p" | "h2" | "h3" | "quote" | "bullet" | "number" | "table" | "ref" | "promo" |
    "related" | "ad".  The last three are boilerplate placed inside the article container.
    """

    kind: str
    spans: list[tuple[str, str | None]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # tables only; rows[0] is the header

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.spans)


def P(text: str) -> Block:
    return Block("p", [(text, None)])


BOILERPLATE_KINDS = frozenset({"promo", "related", "ad"})


def body_paragraphs(blocks: list[Block]) -> list[str]:
    """The truth paragraphs of a block list: boilerplate dropped, one table row per paragraph."""
    out: list[str] = []
    for b in blocks:
        if b.kind in BOILERPLATE_KINDS:
            continue
        if b.kind == "table":
            out.extend(" ".join(cells) for cells in b.rows)
        else:
            out.append(b.text)
    return out


FIRST = ("Paolo", "Sara", "Hope", "Aditya", "Rebecca", "Javier", "Mei", "Tomasz", "Priya", "Daniel",
         "Fatima", "Erika", "Hiroshi", "Laura", "Kwame", "Nadia", "Stefan", "Olivia", "Rafael",
         "Giulia", "Benjamin", "Ines", "Marcus", "Yuki", "Camille", "Ahmed", "Elena", "Jonathan",
         "Sofia", "Viktor", "Chloe", "Andrew", "Leila", "Matteo", "Grace", "Noah", "Anika",
         "William", "Rosa", "Kenji")
LAST = ("Tarantino", "Hurvitz", "Rugo", "Bardia", "Tolaney", "Cortes", "Lin", "Kowalski", "Shah",
        "Gallagher", "Okafor", "Lindqvist", "Nakamura", "Moreno", "Mensah", "Haddad", "Brandt",
        "Whitfield", "Alvarez", "Conti", "Abramson", "Ferreira", "Dunleavy", "Sato", "Lefebvre",
        "Rahman", "Petrova", "Goldberg", "Rossi", "Novak", "Bennett", "Kaplan", "Farouk",
        "Esposito", "Harrington", "Lindgren", "Mehta", "Castellanos", "Oyelaran", "Fujimoto",
        "Sorensen", "McAllister", "Vasquez", "Iyer", "Kim", "Park", "Nguyen", "O'Brien")
CREDS = ("MD", "MD, PhD", "MD, MPH", "DO", "MD, MSc", "PharmD", "MD, FASCO")
INSTITUTIONS = ("Dana-Farber Cancer Institute", "MD Anderson Cancer Center",
                "Memorial Sloan Kettering Cancer Center", "the University of California, Los Angeles",
                "Johns Hopkins Kimmel Cancer Center", "Mayo Clinic Comprehensive Cancer Center",
                "Fred Hutchinson Cancer Center", "the Institut Gustave Roussy",
                "Vall d'Hebron Institute of Oncology", "the National Cancer Center Hospital East",
                "Moffitt Cancer Center", "the Ohio State University Comprehensive Cancer Center",
                "Princess Margaret Cancer Centre", "the Royal Marsden NHS Foundation Trust",
                "Yale Cancer Center", "City of Hope")
CONFERENCES = ("ASCO Annual Meeting", "ESMO Congress", "San Antonio Breast Cancer Symposium (SABCS)",
               "ASH Annual Meeting", "ASCO Genitourinary Cancers Symposium",
               "ASCO Gastrointestinal Cancers Symposium", "AACR Annual Meeting",
               "IASLC World Conference on Lung Cancer", "SGO Annual Meeting on Women's Cancer",
               "ESMO Breast Cancer Congress")

# key, display name, weight (weights sum to 20), diseases, drugs (generic, short, class, target),
# trial name prefixes
TOPICS: tuple[tuple[str, str, int, tuple[str, ...], tuple[tuple[str, str, str, str], ...], tuple[str, ...]], ...] = (
    ("breast-cancer", "Breast Cancer", 4,
     ("HER2-positive metastatic breast cancer", "HR-positive, HER2-negative advanced breast cancer",
      "early-stage triple-negative breast cancer", "ER-positive/HER2–negative advanced breast cancer",
      "HER2-low metastatic breast cancer"),
     (("trastuzumab deruxtecan", "T-DXd", "antibody-drug conjugate", "HER2"),
      ("ribociclib", "ribociclib", "CDK4/6 inhibitor", "CDK4/6"),
      ("sacituzumab govitecan", "SG", "antibody-drug conjugate", "TROP2"),
      ("camizestrant", "camizestrant", "oral selective estrogen receptor degrader", "ER"),
      ("datopotamab deruxtecan", "Dato-DXd", "antibody-drug conjugate", "TROP2"),
      ("capivasertib", "capivasertib", "AKT inhibitor", "AKT")),
     ("DESTINY-Breast", "TROPION-Breast", "SERENA-", "CAPItello-", "NATALEE-", "ASCENT-")),
    ("lung-cancer", "Lung Cancer", 3,
     ("EGFR-mutated non–small cell lung cancer", "extensive-stage small cell lung cancer",
      "ALK-positive non–small cell lung cancer", "resectable non–small cell lung cancer",
      "KRAS G12C–mutated non–small cell lung cancer"),
     (("osimertinib", "osimertinib", "third-generation EGFR tyrosine kinase inhibitor", "EGFR"),
      ("amivantamab", "amivantamab", "bispecific antibody", "EGFR and MET"),
      ("tarlatamab", "tarlatamab", "bispecific T-cell engager", "DLL3"),
      ("lorlatinib", "lorlatinib", "ALK inhibitor", "ALK"),
      ("adagrasib", "adagrasib", "KRAS G12C inhibitor", "KRAS G12C")),
     ("FLAURA", "MARIPOSA-", "DeLLphi-", "CROWN-", "KRYSTAL-", "LAURA-")),
    ("prostate-cancer", "Prostate Cancer", 2,
     ("metastatic castration-resistant prostate cancer", "metastatic hormone-sensitive prostate cancer",
      "high-risk localized prostate cancer"),
     (("lutetium Lu 177 vipivotide tetraxetan", "177Lu-PSMA-617", "radioligand therapy", "PSMA"),
      ("darolutamide", "darolutamide", "androgen receptor inhibitor", "AR"),
      ("talazoparib", "talazoparib", "PARP inhibitor", "PARP")),
     ("PSMAfore-", "ARANOTE-", "TALAPRO-", "VISION-")),
    ("colorectal-cancer", "Colorectal Cancer", 2,
     ("BRAF V600E–mutated metastatic colorectal cancer", "microsatellite instability–high colorectal cancer",
      "refractory metastatic colorectal cancer"),
     (("encorafenib", "encorafenib", "BRAF inhibitor", "BRAF"),
      ("fruquintinib", "fruquintinib", "VEGFR inhibitor", "VEGFR"),
      ("nivolumab", "nivolumab", "PD-1 inhibitor", "PD-1")),
     ("BREAKWATER-", "FRESCO-", "CheckMate 8", "SUNLIGHT-")),
    ("gastrointestinal-cancer", "Gastrointestinal Cancer", 1,
     ("advanced gastric or gastroesophageal junction adenocarcinoma", "unresectable hepatocellular carcinoma",
      "metastatic pancreatic ductal adenocarcinoma"),
     (("zolbetuximab", "zolbetuximab", "claudin 18.2–directed antibody", "CLDN18.2"),
      ("durvalumab", "durvalumab", "PD-L1 inhibitor", "PD-L1"),
      ("NALIRIFOX", "NALIRIFOX", "liposomal irinotecan–based regimen", "topoisomerase I")),
     ("SPOTLIGHT-", "HIMALAYA-", "NAPOLI-", "MATTERHORN-")),
    ("genitourinary-cancers", "Genitourinary Cancers", 1,
     ("locally advanced or metastatic urothelial carcinoma", "advanced renal cell carcinoma"),
     (("enfortumab vedotin", "EV", "antibody-drug conjugate", "nectin-4"),
      ("belzutifan", "belzutifan", "HIF-2α inhibitor", "HIF-2α")),
     ("EV-", "LITESPARK-", "CheckMate 9")),
    ("gynecologic-cancers", "Gynecologic Cancers", 1,
     ("platinum-resistant ovarian cancer", "advanced endometrial cancer", "recurrent cervical cancer"),
     (("mirvetuximab soravtansine", "mirvetuximab", "antibody-drug conjugate", "folate receptor alpha"),
      ("dostarlimab", "dostarlimab", "PD-1 inhibitor", "PD-1"),
      ("tisotumab vedotin", "tisotumab vedotin", "antibody-drug conjugate", "tissue factor")),
     ("MIRASOL-", "RUBY-", "innovaTV 3", "DUO-E")),
    ("head-and-neck-cancer", "Head and Neck Cancer", 1,
     ("recurrent or metastatic head and neck squamous cell carcinoma",
      "locally advanced nasopharyngeal carcinoma"),
     (("pembrolizumab", "pembrolizumab", "PD-1 inhibitor", "PD-1"),
      ("toripalimab", "toripalimab", "PD-1 inhibitor", "PD-1")),
     ("KEYNOTE-", "JUPITER-")),
    ("lymphoma", "Lymphoma", 2,
     ("relapsed/refractory diffuse large B-cell lymphoma", "previously untreated follicular lymphoma",
      "relapsed mantle cell lymphoma"),
     (("epcoritamab", "epcoritamab", "CD3xCD20 bispecific antibody", "CD20"),
      ("glofitamab", "glofitamab", "CD20xCD3 bispecific antibody", "CD20"),
      ("axicabtagene ciloleucel", "axi-cel", "CD19-directed CAR T-cell therapy", "CD19"),
      ("pirtobrutinib", "pirtobrutinib", "noncovalent BTK inhibitor", "BTK")),
     ("EPCORE ", "STARGLO-", "ZUMA-", "BRUIN ")),
    ("leukemia", "Leukemia", 1,
     ("newly diagnosed acute myeloid leukemia", "relapsed chronic lymphocytic leukemia"),
     (("venetoclax", "venetoclax", "BCL-2 inhibitor", "BCL-2"),
      ("revumenib", "revumenib", "menin inhibitor", "menin")),
     ("VIALE-", "AUGMENT-")),
    ("multiple-myeloma", "Multiple Myeloma", 1,
     ("relapsed/refractory multiple myeloma", "newly diagnosed multiple myeloma"),
     (("teclistamab", "teclistamab", "BCMAxCD3 bispecific antibody", "BCMA"),
      ("ciltacabtagene autoleucel", "cilta-cel", "BCMA-directed CAR T-cell therapy", "BCMA")),
     ("MajesTEC-", "CARTITUDE-", "PERSEUS-")),
    ("melanoma", "Melanoma", 1,
     ("unresectable or metastatic melanoma", "resected stage III melanoma"),
     (("relatlimab plus nivolumab", "nivolumab/relatlimab", "LAG-3 and PD-1 inhibitor combination", "LAG-3"),
      ("lifileucel", "lifileucel", "tumor-infiltrating lymphocyte therapy", "autologous TIL")),
     ("RELATIVITY-", "TILVANCE-", "CheckMate 76")),
)
TOPIC_KEYS = tuple(t[0] for t in TOPICS)
TOPIC_NAMES = {t[0]: t[1] for t in TOPICS}

COMPARATORS = ("physician's choice of chemotherapy", "placebo", "standard-of-care therapy",
               "investigator's choice of therapy", "docetaxel", "an aromatase inhibitor",
               "platinum-based chemotherapy")
ENDPOINTS = (("progression-free survival", "PFS"), ("overall survival", "OS"),
             ("event-free survival", "EFS"), ("invasive disease–free survival", "iDFS"),
             ("objective response rate", "ORR"), ("pathologic complete response", "pCR"))


TOPIC_COMPARATORS = {
    "breast-cancer": ("physician's choice of chemotherapy", "an aromatase inhibitor", "fulvestrant",
                      "trastuzumab emtansine", "placebo"),
    "lung-cancer": ("platinum-based chemotherapy", "docetaxel", "placebo", "standard-of-care therapy"),
    "prostate-cancer": ("placebo plus androgen deprivation therapy", "docetaxel", "an androgen receptor pathway inhibitor switch"),
    "colorectal-cancer": ("standard chemotherapy", "placebo", "trifluridine/tipiracil"),
    "gastrointestinal-cancer": ("chemotherapy alone", "sorafenib", "placebo"),
    "genitourinary-cancers": ("platinum-based chemotherapy", "everolimus", "sunitinib"),
    "gynecologic-cancers": ("investigator's choice of chemotherapy", "placebo"),
    "head-and-neck-cancer": ("the EXTREME regimen", "placebo plus chemoradiotherapy"),
    "lymphoma": ("standard-of-care therapy", "investigator's choice of therapy", "bendamustine plus rituximab"),
    "leukemia": ("azacitidine alone", "investigator's choice of therapy"),
    "multiple-myeloma": ("daratumumab, pomalidomide, and dexamethasone", "standard triplet therapy"),
    "melanoma": ("nivolumab alone", "investigator's choice of therapy", "placebo"),
}
TOPIC_ENDPOINTS = {
    "breast-cancer": (("invasive disease–free survival", "iDFS"), ("pathologic complete response", "pCR")),
    "lung-cancer": (("event-free survival", "EFS"),),
    "lymphoma": (("event-free survival", "EFS"),),
    "leukemia": (("event-free survival", "EFS"),),
    "melanoma": (("relapse-free survival", "RFS"),),
}


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


@lru_cache(maxsize=4096)
def trial_facts(seed: int, topic: str, k: int) -> dict:
    """Facts of made-up trial k of a topic; shared by every article written about it."""
    rng = random.Random(f"{seed}:trial:{topic}:{k}")
    t = next(x for x in TOPICS if x[0] == topic)
    drug = rng.choice(t[4])
    prefix = rng.choice(t[5])
    name = f"{prefix}{rng.randint(1, 12):02d}" if prefix.endswith("-") else f"{prefix}{rng.randint(1, 9)}"
    if prefix == "FLAURA":
        name = rng.choice(("FLAURA2", "FLAURA3", "FLAURA-X"))
    ep_long, ep = rng.choice(ENDPOINTS[:2] + TOPIC_ENDPOINTS.get(topic, ()))
    m2 = round(rng.uniform(4.0, 20.0), 1)
    m1 = round(m2 * rng.uniform(1.25, 2.1), 1)
    hr = round(rng.uniform(0.38, 0.82), 2)
    lo = round(hr - rng.uniform(0.08, 0.16), 2)
    hi = round(hr + rng.uniform(0.09, 0.2), 2)
    return {
        "trial": name, "phase": rng.choice(("phase 3", "phase 3", "phase 2", "phase 1/2", "phase 2/3")),
        "drug": drug[0], "short": drug[1], "klass": drug[2], "target": drug[3],
        "disease": rng.choice(t[3]), "comparator": rng.choice(TOPIC_COMPARATORS.get(topic, COMPARATORS)),
        "n": rng.randint(120, 1400), "nct": f"NCT0{rng.randint(3000000, 6999999)}",
        "ep_long": ep_long, "ep": ep, "m1": m1, "m2": m2, "hr": hr, "lo": lo, "hi": hi,
        "p": rng.choice(("P <.001", "P <.0001", f"P = .00{rng.randint(1, 9)}", f"P = .0{rng.randint(11, 49)}")),
        "orr1": round(rng.uniform(38, 82), 1), "orr2": round(rng.uniform(12, 40), 1),
        "ae1": round(rng.uniform(22, 61), 1), "ae2": round(rng.uniform(18, 55), 1),
        "disc": round(rng.uniform(3, 14), 1), "ild": round(rng.uniform(1, 12), 1),
        "pi": person(rng), "pi_cred": rng.choice(CREDS), "inst": rng.choice(INSTITUTIONS),
        "conf": rng.choice(CONFERENCES), "topic": topic, "median_fu": round(rng.uniform(9, 48), 1),
        "age": rng.randint(52, 71),
    }


ANGLES = ("efficacy", "safety", "subgroup", "fda", "qol", "interview")

HEADLINES = {
    "efficacy": ("{Short} Improves {ep} vs {Comp} in {Disease}",
                 "{trial}: {Short} Elicits Meaningful {ep} in {Disease}",
                 "Frontline {Short} Combo Extends {ep} in {Disease}",
                 "{Short} Significantly Prolongs {ep_long_t} in {Disease}",
                 "Data From {trial} Support {Short} as a New Standard in {Disease}"),
    "safety": ("{Short} Shows No New Safety Signals in {trial} Update",
               "Long-Term Safety of {Short} Remains Consistent in {Disease}",
               "Managing Adverse Events With {Short}: Lessons From {trial}"),
    "subgroup": ("{Short} Offers Consistent Benefit Across Subgroups in {Disease}",
                 "Biomarker Analysis of {trial} Identifies Patients Most Likely to Benefit From {Short}",
                 "{Short} Benefit Holds Across Ages and Regions in {trial}"),
    "fda": ("FDA Approves {Short} for {Disease}",
            "FDA Grants Priority Review to {Short} for {Disease}",
            "FDA Accepts Supplemental Application for {Short} in {Disease}"),
    "qol": ("{Short} Delays Quality-of-Life Deterioration in {Disease}",
            "Patient-Reported Outcomes Favor {Short} in {trial}"),
    "interview": ("{PI_last} Discusses {trial} Findings With {Short} in {Disease}",
                  "Experts Weigh the Role of {Short} in {Disease}",
                  "Q&A: {PI_last} on What {trial} Means for {Disease}"),
}


def _title_case(s: str) -> str:
    small = {"and", "or", "of", "in", "vs", "with", "for", "the", "a", "an", "to", "on", "at", "from"}
    words = s.split(" ")
    out = []
    for n, w in enumerate(words):
        if any(c.isupper() for c in w) or (n and w in small) or not w:
            out.append(w)
        else:
            out.append(w[0].upper() + w[1:])
    return " ".join(out)


def _short_disease(d: str) -> str:
    rep = (("non–small cell lung cancer", "NSCLC"), ("small cell lung cancer", "SCLC"),
           ("metastatic breast cancer", "mBC"), ("advanced breast cancer", "Advanced Breast Cancer"),
           ("triple-negative breast cancer", "TNBC"), ("multiple myeloma", "Multiple Myeloma"),
           ("metastatic castration-resistant prostate cancer", "mCRPC"),
           ("metastatic hormone-sensitive prostate cancer", "mHSPC"),
           ("hepatocellular carcinoma", "HCC"), ("diffuse large B-cell lymphoma", "DLBCL"),
           ("acute myeloid leukemia", "AML"), ("chronic lymphocytic leukemia", "CLL"),
           ("head and neck squamous cell carcinoma", "HNSCC"), ("renal cell carcinoma", "RCC"),
           ("metastatic colorectal cancer", "mCRC"), ("HER2-positive", "HER2+"),
           ("HR-positive, HER2-negative", "HR+/HER2–"), ("ER-positive/HER2–negative", "ER+/HER2–"))
    for a, b in rep:
        d = d.replace(a, b)
    return _title_case(d)


def fmt(template: str, f: dict) -> str:
    return template.format(**f)


def _static_fields(f: dict) -> dict:
    """Derived fields that depend only on the trial (cached inside the shared facts dict)."""
    g = f.get("_static")
    if g is None:
        g = dict(f)
        g["Short"] = f["short"][0].upper() + f["short"][1:] if f["short"][0].islower() else f["short"]
        g["Comp"] = _title_case(f["comparator"].replace("physician's choice of ", "").replace("an ", ""))
        g["Disease"] = _short_disease(f["disease"])
        g["ep_long_t"] = _title_case(f["ep_long"])
        g["PI"] = f"{f['pi']}, {f['pi_cred']}"
        g["PI_last"] = f["pi"].split(" ")[-1]
        g["delta"] = round(f["m1"] - f["m2"], 1)
        g["red"] = int(round((1 - f["hr"]) * 100))
        f["_static"] = g
    return g


def _fields(f: dict, rng: random.Random) -> dict:
    g = dict(_static_fields(f))
    g["inv2"] = person(rng)
    g["inv2_cred"] = rng.choice(CREDS)
    g["inst2"] = rng.choice(INSTITUTIONS)
    return g


LEADS = (
    "Treatment with {short} produced a statistically significant and clinically meaningful improvement in {ep_long} ({ep}) compared with {comparator} among patients with {disease}, according to findings from the {phase} {trial} trial ({nct}) presented at the {conf}.",
    "Patients with {disease} who received {short} experienced longer {ep_long} ({ep}) than those given {comparator}, according to results from the {phase} {trial} study.",
    "Data from the {phase} {trial} trial suggest that {drug} ({short}) may represent a new treatment option for patients with {disease}, with investigators reporting a {red}% reduction in the risk of disease progression or death.",
    "An updated analysis of the {trial} trial presented during the {conf} showed that the benefit of {short} over {comparator} was maintained with longer follow-up in patients with {disease}.",
)
DESIGN = (
    "The {phase}, randomized, open-label {trial} trial enrolled {n} patients with {disease} who were assigned to receive {short} or {comparator}.",
    "In total, {n} patients were enrolled in {trial} and randomly assigned 1:1 to {drug} or {comparator}; randomization was stratified by region, prior therapy, and performance status.",
    "{drug_cap} is a {klass} directed at {target}.",
    "The primary end point of the study was {ep_long} ({ep}) by blinded independent central review, and key secondary end points included overall survival, objective response rate, duration of response, and safety.",
    "Eligible patients were at least 18 years of age, had an ECOG performance status of 0 or 1, and had measurable disease per RECIST v1.1 criteria.",
    "The median age of enrolled patients was {age} years, and the median follow-up was {median_fu} months at the time of the data cutoff.",
)
RESULTS = (
    "The median {ep} was {m1} months with {short} vs {m2} months with {comparator} (HR, {hr}; 95% CI, {lo}-{hi}; {p}).",
    "At a median follow-up of {median_fu} months, {short} reduced the risk of progression or death by {red}% compared with {comparator} (HR, {hr}; 95% CI, {lo}–{hi}).",
    "The objective response rate (ORR) was {orr1}% in the {short} arm compared with {orr2}% in the control arm, and responses were durable in most patients.",
    "The absolute difference in median {ep} between the arms was {delta} months, a result investigators described as clinically meaningful.",
    "Benefit was observed across prespecified subgroups, including those defined by age, geographic region, and number of prior lines of therapy.",
    "Overall survival data were immature at the time of analysis, although an early trend favored the investigational arm.",
)
SAFETY = (
    "Grade 3 or higher treatment-emergent adverse events (TEAEs) occurred in {ae1}% of patients in the {short} arm and {ae2}% of those in the comparator arm.",
    "The most common adverse effects of any grade with {short} included nausea, fatigue, neutropenia, and decreased appetite.",
    "Adverse events led to treatment discontinuation in {disc}% of patients receiving {short}.",
    "Adjudicated interstitial lung disease or pneumonitis was reported in {ild}% of patients, most of which were low grade.",
    "No new safety signals were identified, and the safety profile was consistent with previous reports of {short}.",
)
QUOTES = (
    "“These data establish {short} as a potential new standard of care for patients with {disease},” {PI}, of {inst}, said in a presentation of the data.",
    "“What we are seeing is not just a statistical difference but a benefit that patients can feel,” {PI}, said. “The magnitude of the {ep} improvement was larger than we anticipated.”",
    "“We need to be thoughtful about toxicity management, but the efficacy here is compelling,” said {inv2}, {inv2_cred}, of {inst2}, who was not involved in the study.",
    "“Patients in this setting have historically had limited options,” {PI}, said. “These results give us another effective therapy to discuss with them.”",
    "“It will be important to understand how this fits with the other agents we already use,” said {inv2}, {inv2_cred}, a medical oncologist at {inst2}.",
)
CONTEXT = (
    "The FDA previously granted breakthrough therapy designation to {short} for this indication based on early-phase data.",
    "Investigators noted that translational analyses of tumor and blood samples from {trial} are ongoing and may help identify biomarkers of response.",
    "Additional follow-up is planned, and overall survival will be assessed at a future prespecified analysis.",
    "Several ongoing trials are evaluating {short} in earlier lines of therapy and in combination with other targeted agents.",
    "Current guidelines recommend {comparator} in this setting, and the investigators suggested that the results could prompt a reconsideration of the treatment sequence.",
    "Experts cautioned that cross-trial comparisons are limited by differences in patient populations and study design.",
)
FDA_LEADS = (
    "The FDA has approved {drug} ({short}) for the treatment of adult patients with {disease}, according to a press release from the developer.",
    "The FDA has granted priority review to a supplemental biologics license application for {short} in patients with {disease}, with a target action date set for later this year.",
)
BACKGROUND = (
    "Patients with {disease} who progress on initial therapy often have a poor prognosis, and few options have shown a survival advantage in this population.",
    "Historically, {comparator} has been associated with modest efficacy and considerable toxicity in this setting, leaving room for more effective approaches.",
    "Preclinical work suggested that targeting {target} could overcome resistance mechanisms that limit the durability of current therapies.",
    "Earlier-phase studies of {short} reported encouraging antitumor activity, which prompted the design of the randomized {trial} trial.",
    "Roughly a third of patients with {disease} are diagnosed at an advanced stage, according to estimates cited by the investigators.",
    "The rationale for the combination rests on complementary mechanisms of action and largely nonoverlapping toxicities.",
)
DISCUSSION = (
    "Investigators acknowledged that the open-label design could have influenced the assessment of some secondary end points, although the primary analysis relied on blinded central review.",
    "The population enrolled in {trial} was predominantly from North America, Europe, and Asia, and the authors called for real-world studies in more diverse groups of patients.",
    "Dose modifications were permitted per protocol, and most patients who required a dose reduction remained on treatment.",
    "Exploratory analyses suggested that patients with higher baseline {target} expression derived the greatest benefit, although the investigators cautioned that these findings were hypothesis-generating.",
    "The median duration of treatment was longer in the {short} arm, reflecting both improved disease control and tolerability.",
    "Further biomarker work may help clinicians select the patients most likely to respond to {short}.",
)
PERSPECTIVE = (
    "For community oncologists, the practical question is how to identify appropriate candidates and monitor them during treatment.",
    "{inv2}, {inv2_cred}, of {inst2}, noted that access to {short} may vary by region and by insurance coverage.",
    "Multidisciplinary management, including input from pharmacists and nurse navigators, was highlighted as important for patients receiving {short}.",
    "Investigators are also studying whether treatment can be de-escalated in patients who achieve a deep response.",
    "Health-economic analyses of {short} have not yet been published, and cost remains a consideration for many health systems.",
    "Real-world data collected after approval will help determine whether the benefit seen in {trial} translates to routine practice.",
    "Older patients and those with comorbidities were underrepresented in the trial, a limitation the authors acknowledged.",
    "Several cooperative groups are designing trials to test {short} in combination with radiotherapy or surgery.",
    "Circulating tumor DNA dynamics during the first cycles of therapy may offer an early signal of benefit, according to exploratory data.",
    "Education for patients about early symptoms of toxicity was described as a key part of safe administration.",
    "The sponsor has indicated that regulatory submissions in additional regions are planned.",
    "{PI} emphasized that longer follow-up will be needed to confirm the durability of responses.",
)
HEADINGS = ("Study Design", "Efficacy Findings", "Safety Profile", "Key Takeaways", "Background",
            "Clinical Implications", "What Comes Next", "Trial Details", "Efficacy Results",
            "Patient-Reported Outcomes")
BULLETS = (
    "Median {ep} was {m1} months with {short} vs {m2} months with {comparator}.",
    "The hazard ratio for {ep} was {hr} (95% CI, {lo}-{hi}).",
    "Grade 3 or higher adverse events occurred in {ae1}% of patients given {short}.",
    "The ORR was {orr1}% vs {orr2}%.",
    "Treatment discontinuation due to adverse events occurred in {disc}% of patients.",
    "Benefit was consistent across prespecified subgroups.",
)
QOL = (
    "Time to deterioration in global health status favored {short}, with a median of {m1} months compared with {m2} months in the control arm.",
    "Patient-reported pain and physical functioning scores remained stable during treatment with {short}.",
    "Fewer patients in the {short} arm reported clinically meaningful worsening of fatigue compared with those receiving {comparator}.",
)


def _pick(rng: random.Random, pool: tuple[str, ...], k: int) -> list[str]:
    return rng.sample(pool, min(k, len(pool)))


def news_title(rng: random.Random, facts: dict, angle: str) -> tuple[str, str]:
    """(headline, description) of a news article; cheap, so listings and sitemaps can use it."""
    f = _static_fields(facts)
    headline = fmt(rng.choice(HEADLINES[angle]), f)
    description = fmt(rng.choice((
        "Data from {trial} may support {short} as a standard of care in {disease}.",
        "{Short} demonstrated improved {ep_long} vs {comparator} in patients with {disease}.",
        "Findings from the {phase} {trial} study were presented at the {conf}.",
        "Investigators reported outcomes with {short} in patients with {disease}.")), f)
    return headline, description


def news_article(rng: random.Random, facts: dict, angle: str, *, allow_table: bool = True,
                 link_href: str | None = None) -> tuple[list[Block], list[str]]:
    """(blocks, keywords) of a news article about one trial, seen from one angle."""
    f = _fields(facts, rng)
    f["drug_cap"] = facts["drug"][0].upper() + facts["drug"][1:]
    blocks: list[Block] = []
    if angle == "fda":
        blocks.append(P(fmt(rng.choice(FDA_LEADS), f)))
    else:
        lead = fmt(rng.choice(LEADS), f)
        name = facts["trial"]
        if name in lead and rng.random() < 0.4:  # an emphasised span (Portable Text mark / <em>)
            a, b = lead.split(name, 1)
            blocks.append(Block("p", [x for x in ((a, None), (name, "*em"), (b, None)) if x[0]]))
        else:
            blocks.append(P(lead))
    use_headings = rng.random() < 0.5
    bg = [fmt(x, f) for x in _pick(rng, BACKGROUND, rng.randint(1, 4))]
    blocks.append(P(" ".join(bg[:2])))
    if bg[2:]:
        blocks.append(P(" ".join(bg[2:])))
    # design paragraph(s): sentences drawn from the trial so sibling articles share phrases
    design = _pick(rng, DESIGN, rng.randint(2, 4))
    if use_headings:
        blocks.append(Block(rng.choice(("h2", "h3")), [(rng.choice(HEADINGS[:2] + HEADINGS[7:9]), None)]))
    blocks.append(P(" ".join(fmt(s, f) for s in design[:2])))
    if len(design) > 2:
        blocks.append(P(" ".join(fmt(s, f) for s in design[2:])))
    pools = {"efficacy": (RESULTS, 3), "subgroup": (RESULTS, 3), "fda": (RESULTS, 2),
             "safety": (SAFETY, 3), "qol": (QOL, 2), "interview": (RESULTS, 2)}
    main_pool, k = pools[angle]
    if use_headings:
        blocks.append(Block("h2", [("Safety Profile" if main_pool is SAFETY else "Efficacy Findings", None)]))
    sents = [fmt(s, f) for s in _pick(rng, main_pool, k + rng.randint(0, 2))]
    while sents:
        n = rng.randint(1, 2)
        blocks.append(P(" ".join(sents[:n])))
        sents = sents[n:]
    quotes = [fmt(q, f) for q in _pick(rng, QUOTES, rng.randint(1, 3))]
    blocks.append(P(quotes[0]))
    if rng.random() < 0.35:
        # a second quotation set off as a blockquote; never the paragraph just above it (a
        # repeated pull quote is display doubling, which the crawler keeps once)
        pulled = quotes[-1] if len(quotes) > 1 else fmt(QUOTES[3], f)
        if pulled == quotes[0]:
            pulled = fmt(QUOTES[2], f)
        blocks.append(Block("quote", [(pulled, None)]))
        quotes = quotes[:1]
    if main_pool is not SAFETY:
        if use_headings:
            blocks.append(Block("h3", [("Safety", None)]))
        for s in _pick(rng, SAFETY, rng.randint(1, 3)):
            blocks.append(P(fmt(s, f)))
    if allow_table and rng.random() < 0.25:
        blocks.append(Block("table", rows=[
            ["End point", f"{f['Short']} arm", "Control arm"],
            [f"Median {facts['ep']}, months", str(facts["m1"]), str(facts["m2"])],
            ["ORR, %", str(facts["orr1"]), str(facts["orr2"])],
            ["Grade ≥3 TEAEs, %", str(facts["ae1"]), str(facts["ae2"])],
        ]))
    if rng.random() < 0.35:
        if use_headings or rng.random() < 0.5:
            blocks.append(Block("h3", [("Key Takeaways", None)]))
        kind = "bullet" if rng.random() < 0.7 else "number"
        for s in _pick(rng, BULLETS, rng.randint(3, 5)):
            blocks.append(Block(kind, [(fmt(s, f), None)]))
    for q in quotes[1:]:
        blocks.append(P(q))
    disc = [fmt(x, f) for x in _pick(rng, DISCUSSION, rng.randint(0, 5))]
    if disc and use_headings:
        blocks.append(Block("h2", [("Clinical Implications", None)]))
    while disc:
        n = rng.randint(1, 3)
        blocks.append(P(" ".join(disc[:n])))
        disc = disc[n:]
    ctx = [fmt(s, f) for s in _pick(rng, CONTEXT, rng.randint(2, 4))]
    if link_href and ctx:
        first, rest = ctx[0], ctx[1:]
        words = first.split(" ")
        cut = max(2, len(words) // 2)
        blocks.append(Block("p", [(" ".join(words[:cut]) + " ", None),
                                  (" ".join(words[cut:cut + 3]), link_href),
                                  (" " + " ".join(words[cut + 3:]) if words[cut + 3:] else "", None)]))
        blocks[-1].spans = [s for s in blocks[-1].spans if s[0]]
        ctx = rest
    for s in ctx:
        blocks.append(P(s))
    word_count = sum(len(b.text.split()) for b in blocks) + sum(len(" ".join(r).split()) for b in blocks for r in b.rows)
    if word_count < 320 or rng.random() < 0.25:  # long-form: an expert-perspective section
        if use_headings:
            blocks.append(Block("h2", [(rng.choice(("Expert Perspective", "Looking Ahead", "Practice Considerations")), None)]))
        extra = [fmt(x, f) for x in _pick(rng, PERSPECTIVE, rng.randint(4, 8))]
        while extra:
            n = rng.randint(2, 3)
            blocks.append(P(" ".join(extra[:n])))
            extra = extra[n:]
    reference = rng.random() < 0.6
    if reference:
        blocks.append(P(fmt(rng.choice((
            "Reference: {PI_last} {initial}, et al. {Short} vs {comparator} in {disease}: results from {trial}. Presented at: {conf}; {year}.",
            "Reference: {PI_last} {initial}, et al. Primary results of the {phase} {trial} trial. J Clin Oncol. {year};{vol}({issue}):{page}-{page2}.")),
            {**f, "initial": f["pi"][0], "year": rng.choice((2023, 2024, 2025)), "vol": rng.randint(38, 43),
             "issue": rng.randint(1, 36), "page": (pg := rng.randint(100, 4000)), "page2": pg + rng.randint(5, 14)})))
    keywords = [TOPIC_NAMES[facts["topic"]], facts["short"], facts["trial"], facts["ep"]]
    return blocks, keywords


def alt_headline(rng: random.Random, facts: dict) -> str:
    """A second headline for the same story (same-body copies)."""
    f = _fields(facts, rng)
    return fmt(rng.choice((
        "{trial} Results Highlight Role of {Short} in {Disease}",
        "What the {trial} Data Mean for Patients With {Disease}",
        "{Short} Versus {Comp}: A Closer Look at {trial}")), f)


SEED_PAIR_TITLES = ("Does Resection of an Intact Breast Primary Improve Survival in Metastatic Breast Cancer?",
                    "The Explanation Behind the Observation?")
SEED_ABSTRACT = (
    "The recommended primary treatment approach for women with metastatic breast cancer and an intact primary tumor is the use of systemic therapy. Local therapy of the primary tumor is recommended only for palliation of symptoms. However, a series of retrospective studies examining practice patterns for this problem show that about half the women presenting with de novo metastatic disease undergo resection of the primary tumor, and suggest that women so treated survive longer than those who do not undergo resection of the intact primary. In analyses that adjust for tumor burden (number of metastatic sites), types of metastases (visceral, nonvisceral), and the use of systemic therapy, the hazard ratio for death is reduced by 40% to 50% in women receiving surgical treatment of the primary tumor. The benefit of surgical treatment appears to be confined to women whose tumors were resected with free margins. However, these results may simply reflect a selection bias (ie, younger, healthier women with a smaller tumor burden are more likely to receive surgical treatment). In addition, the role of other locoregional therapy such as axillary dissection and radiotherapy is not addressed in these studies. In view of these data, the role of local therapy in women with stage IV breast cancer needs to be reevaluated, and local therapy plus systemic therapy should be compared to systemic therapy alone in a randomized trial."
)

LEGACY_TITLES = (
    "Management of {disease}: Current Approaches and Controversies",
    "The Evolving Role of {klass_t} Therapy in {Disease}",
    "Commentary: Rethinking Treatment Sequencing in {Disease}",
    "Review: Prognostic Factors and Outcomes in {Disease}",
    "Adjuvant Therapy for {Disease}: A Critical Appraisal",
)
LEGACY_SECTIONS = (
    ("Introduction", (
        "Over the past decade, the management of {disease} has changed considerably as new systemic agents and refined surgical techniques have entered practice.",
        "Despite these advances, a substantial proportion of patients continue to experience recurrence, and the optimal sequence of therapies remains uncertain.",
        "In this review, we summarize the available evidence and discuss areas in which prospective data are still lacking.")),
    ("Background", (
        "Early cooperative group studies established {comparator} as the reference treatment for most patients in this setting.",
        "Retrospective series have suggested that selected patients derive additional benefit from multimodality therapy, although such analyses are subject to selection bias.",
        "Population-based registries indicate that practice patterns vary widely between academic and community centers.")),
    ("Clinical Evidence", (
        "In a randomized trial of {n} patients, the addition of a targeted agent improved median time to progression from {m2} to {m1} months.",
        "A pooled analysis of phase II studies reported response rates between {orr2}% and {orr1}%, with acceptable toxicity in most patients.",
        "Toxicity was generally manageable; grade 3 or 4 events occurred in roughly {ae2}% of treated patients.")),
    ("Discussion", (
        "Taken together, these data suggest that a subset of patients benefits from a more aggressive approach, but the magnitude of that benefit is difficult to estimate from nonrandomized comparisons.",
        "Clinicians should weigh the potential survival advantage against treatment-related morbidity and patient preference.",
        "Well-designed prospective trials with standardized end points are needed to resolve these questions.")),
    ("Conclusions", (
        "Current evidence supports individualized treatment decisions made by a multidisciplinary team.",
        "Enrollment of patients in clinical trials should be encouraged whenever possible.")),
)
JOURNALS = ("J Clin Oncol", "N Engl J Med", "Lancet Oncol", "Cancer", "Ann Oncol", "Breast Cancer Res Treat",
            "Ann Surg Oncol", "JAMA")


def legacy_title(rng: random.Random, facts: dict) -> tuple[str, str]:
    """(headline, description) of a 2007 journal article."""
    f = _fields(facts, rng)
    f["klass_t"] = _title_case(facts["klass"].split(" ")[-1] if rng.random() < 0.5 else "Multimodality")
    return fmt(rng.choice(LEGACY_TITLES), f), fmt("A review of current evidence on the management of {disease}.", f)


def legacy_article(rng: random.Random, facts: dict) -> tuple[list[Block], list[str]]:
    """A 2007 ONCOLOGY journal review: subheadings, references, disclosures, maybe a table."""
    f = _fields(facts, rng)
    blocks: list[Block] = []
    for n, (heading, sents) in enumerate(LEGACY_SECTIONS):
        if n or rng.random() < 0.5:
            blocks.append(Block("h2" if n % 2 == 0 else "h3", [(heading, None)]))
        chosen = [fmt(s, f) for s in sents]
        rng.shuffle(chosen)
        cut = rng.randint(1, len(chosen))
        blocks.append(P(" ".join(chosen[:cut])))
        if chosen[cut:]:
            blocks.append(P(" ".join(chosen[cut:])))
        if heading == "Clinical Evidence" and rng.random() < 0.5:
            blocks.append(Block("table", rows=[
                ["Study", "Patients", "Response rate"],
                [f"{rng.choice(LAST)} et al", str(rng.randint(40, 400)), f"{facts['orr2']}%"],
                [f"{rng.choice(LAST)} et al", str(rng.randint(40, 400)), f"{facts['orr1']}%"],
            ]))
    blocks.append(Block("h2", [("References", None)]))
    for _ in range(rng.randint(4, 9)):
        authors = ", ".join(f"{rng.choice(LAST)} {rng.choice('ABCDEFGHJKLMNPRST')}{rng.choice(('', 'M', 'J', 'A'))}"
                            for _ in range(rng.randint(1, 3)))
        year = rng.randint(1994, 2006)
        blocks.append(Block("ref", [(f"{authors}, et al: {fmt(rng.choice(('Outcomes of {disease} treated with {comparator}', 'Prognostic factors in {disease}', 'Randomized trial of adjuvant therapy in {disease}', 'Surgical management of {disease}')), f)}. {rng.choice(JOURNALS)} {rng.randint(12, 99)}:{(pg := rng.randint(100, 3000))}-{pg + rng.randint(4, 12)}, {year}.", None)]))
    blocks.append(P(rng.choice((
        "Disclosures: The authors have no significant financial interest or other relationship with the manufacturers of any products or providers of any service mentioned in this article.",
        "Disclosures: The author has served as a consultant for several pharmaceutical companies; no company had a role in the preparation of this review."))))
    return blocks, [TOPIC_NAMES[facts["topic"]], "ONCOLOGY Journal"]


def media_page(rng: random.Random, facts: dict, kind: str) -> tuple[str, str, list[str]]:
    """(title, description, short caption lines) of a video, podcast or slideshow page."""
    f = _fields(facts, rng)
    if kind == "video":
        title = fmt(rng.choice(("{PI_last} on Frontline {Short} in {Disease}",
                                "{PI} Discusses Findings From {trial}")), f)
        desc = fmt("{PI} explains the results of the {trial} trial.", f)
        lines = [fmt("Watch: {PI} reviews the key efficacy results.", f)]
    elif kind == "podcast":
        title = fmt(rng.choice(("Podcast: Unpacking {trial} in {Disease}",
                                "Episode: Treatment Sequencing With {Short}")), f)
        desc = fmt("In this episode, {PI} and {inv2} talk about {short}.", f)
        lines = [fmt("Listen to the full conversation with {PI}.", f)]
    else:
        title = fmt(rng.choice(("Slideshow: 5 Takeaways From {trial}",
                                "Highlights in {Disease} From the {conf}")), f)
        desc = fmt("Key slides from presentations on {disease}.", f)
        lines = [fmt("Slide {k}: {Short} results in {trial}.", {**f, "k": k}) for k in range(1, rng.randint(4, 7))]
    return title, desc, lines
