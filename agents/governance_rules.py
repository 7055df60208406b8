"""EU AI Act triage rules (each with keyword patterns and short descriptions matched by meaning) and the
controls / NIST AI RMF subcategories that follow from each tier.

A rule's ``descriptions`` are short paraphrases of the legal text in a compliance officer's words; the
triage embeds them once and compares them with the described use case (agents/governance_triage.py).
``keywords`` are tight patterns that decide on their own. Tiers: prohibited > high > limited > minimal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    key: str
    tier: str  # prohibited | high | limited
    route: str  # the deciding article / annex point
    label: str
    keywords: str  # regex on the lower-cased clause ("" = meaning only)
    descriptions: tuple[str, ...]
    requires: str = ""  # regex the whole use case must contain for the rule to apply at all


WORKERS = (r"\b(?:workers?|employees?|staff|operators?|agents?|technicians?|colleagues|workforce|workplace|at work|"
           r"drivers?|pickers?|fitters?|welders?|supervisors?|personnel|"
           r"(?:packing|production|shift|maintenance|night|day|line|warehouse|assembly) (?:team|crew)s?|"
           r"(?:packing|production|assembly) lines?|shop ?floor|team dashboards?)\b")


R = Rule
RULES: tuple[Rule, ...] = (
    R("manipulation", "prohibited", "Art. 5(1)(a)", "subliminal, manipulative or deceptive techniques",
      r"subliminal|manipulat\w+ (?:behaviou?r|workers|people|employees)|dark patterns?|"
      r"(?:hidden|covert|subconscious) (?:cues|nudges|persuasion|signals|messages)",
      ("uses subliminal or manipulative techniques to change people's behaviour without them noticing",
       "hidden persuasion that pushes workers into decisions that harm them")),
    R("vulnerability", "prohibited", "Art. 5(1)(b)", "exploiting vulnerabilities of age, disability or social situation",
      r"exploit\w* (?:the )?vulnerab\w+|exploit\w* .{0,40}\b(?:age|disabilit\w*|financial|poverty|debts?|low[- ]paid)\b",
      ("exploits the age, disability or financial hardship of people to push them into harmful choices",)),
    R("social_scoring", "prohibited", "Art. 5(1)(c)", "social scoring",
      r"social scor\w*|social credit|behaviou?r (?:outside|off) (?:of )?work|off[- ]duty behaviou?r|"
      r"(?:private|personal) (?:li(?:fe|ves)|social media)",
      ("scores people on their social behaviour or personality and treats them worse in unrelated situations",
       "a trustworthiness score for every employee built from their private life and behaviour",
       "rates workers on what they do outside work and uses it for their pay, bonuses or shifts")),
    R("crime_prediction", "prohibited", "Art. 5(1)(d)", "predicting crimes from profiling alone",
      r"predict\w* (?:who|which \w+|whether \w+) (?:will|might|may) (?:commit|steal)|predictive policing",
      ("predicts whether a person will commit a crime or steal based on their profile or personality",)),
    R("face_scraping", "prohibited", "Art. 5(1)(e)", "untargeted scraping of facial images",
      r"untargeted scraping|scrap\w+ .{0,40}\b(?:faces|facial)\b",
      ("builds a face recognition database by scraping face images from the internet or CCTV",)),
    R("emotion_workplace", "prohibited", "Art. 5(1)(f)", "emotion recognition at the workplace",
      r"emotion\w*|\bmood\b|facial expressions?|drows\w+|fatigue (?:detection|monitoring|warning)|microsleep|(?:sound|look|seem)s? (?:frustrated|angry|stressed|unhappy|bored)|"
      r"(?:detect|infer|flag|recogni[sz]|pick\w* up|read|reads|measur\w*|track\w*|sens\w*)\w* .{0,30}(?:frustrat|stress|anger|"
      r"angry|sad|happ|engagement|boredom)|\b(?:stress|frustration|anger|boredom) levels?\b|"
      r"\bfaces?\b.{0,40}\b(?:motivat|engag|mood|emotion|happ|stress|frustrat|bored)\w*",
      ("infers the emotions, mood or stress of employees at work from their faces or voices",
       "camera analysis of operators' facial expressions to judge their engagement or mood",
       "detects whether call-centre staff sound frustrated or angry during their calls"),
      requires=WORKERS),
    R("biometric_categorisation", "prohibited", "Art. 5(1)(g)", "biometric categorisation by sensitive traits",
      r"biometric\w* .{0,40}(?:race|ethnic|religio\w*|political|sexual|trade union|union member)|"
      r"(?:categori[sz]|classif|sort)\w* .{0,40}\bby (?:their )?(?:race|ethnicity|religion|political|sexual orientation)",
      ("sorts people by their face or body into race, religion, political opinion or sexual orientation",)),
    R("realtime_rbi", "prohibited", "Art. 5(1)(h)", "real-time remote biometric identification in public for law enforcement",
      r"real[- ]time (?:remote )?(?:biometric|facial|face) (?:identification|recognition).{0,60}(?:public|police|law enforcement)",
      ("police identify people in real time by face recognition in a public square",)),
    R("safety_component", "high", "Art. 6(1) + Annex I", "safety component of a product under Annex I (machinery, lifts, pressure equipment, ATEX)",
      r"safety (?:component|function)s?\b|safety[- ]rated|light curtain|safety plc|emergency stop function|"
      r"(?:stops?|halts?|trips?) the (?:machine|press|robot|line|conveyor) when (?:a |someone|people|a person)",
      ("a vision system that stops the machine when a person enters the danger zone",
       "the AI is part of the machine's safety system and prevents injuries to operators",
       "AI controlling the safety interlock of a lift, a press or a collaborative robot",
       "safety function of pressure equipment or equipment for explosive atmospheres")),
    R("biometric_id", "high", "Art. 6(2) + Annex III point 1", "biometrics: remote biometric identification",
      r"(?:facial|face) recognition|biometric (?:identification|recognition)|identif\w+ .{0,30}by (?:their )?(?:face|faces|gait|voice)|"
      r"(?:cctv|camera)\w*.{0,60}watch ?list|watch ?list.{0,60}(?:cctv|camera)",
      ("identifies people by their face in camera images",
       "recognises who is on the CCTV footage from their face, gait or voice")),
    R("emotion_other", "high", "Art. 6(2) + Annex III point 1(c)", "biometrics: emotion recognition (outside the workplace)",
      r"emotion\w*|facial expressions?|\bmood\b",
      ("detects the emotions of customers or visitors from their faces or voices",)),
    R("critical_infrastructure", "high", "Art. 6(2) + Annex III point 2", "critical infrastructure: safety component of water, gas, heating, electricity supply or road traffic",
      r"(?:electricity|power|gas|water|heating|district heat\w*) (?:grid|supply|network|distribution)|road traffic|"
      r"critical (?:digital )?infrastructure",
      ("controls the safety of the drinking water supply or the electricity grid",
       "safety component in operating the gas network, district heating or road traffic")),
    R("education", "high", "Art. 6(2) + Annex III point 3", "education and vocational training: admission, assessment, proctoring",
      r"(?:grade|grades|grading|scor\w+|mark\w*) (?:the )?(?:exams?|tests?|apprentices?|students?|trainees?)|"
      r"(?:student|trainee|apprentice\w*) (?:admission|selection|assessment)|proctor\w*",
      ("grades apprentices' exams or decides who is admitted to the training programme",
       "assesses learning outcomes of trainees or monitors them for cheating during tests")),
    R("recruitment", "high", "Art. 6(2) + Annex III point 4(a)", "employment: recruitment and selection",
      r"recruit\w*|hiring|\bhire\b|job (?:applicants?|candidates?|ads?|adverts?|postings?|interviews?)|"
      r"applicants?|candidates? for (?:the |our )?(?:job|role|position)|(?:screen|rank|shortlist|filter)\w* (?:the )?(?:cvs?|resumes?|candidates?)|"
      # "reads applications for technician vacancies, scores each candidate's profile and produces a shortlist"
      r"\bvacanc(?:y|ies)\b|\bjob applications?\b|\bcandidates?(?:'s?)? (?:profiles?|cvs?|resumes?)",
      ("ranks or filters job applicants and shortlists candidates for interviews",
       "screens CVs and recommends which candidates to hire",
       "evaluates candidates in video job interviews")),
    R("worker_management", "high", "Art. 6(2) + Annex III point 4(b)", "employment: promotion, termination, task allocation, monitoring and evaluation of workers",
      r"promot\w+ (?:decisions?|of (?:workers?|employees?|staff))|terminat\w+ (?:of )?(?:contracts?|employ\w*|workers?)|dismiss\w*|"
      r"\blet go\b|\blay ?offs?\b|laid off|redundanc\w+|"
      r"based on (?:their |each \w+'s )?(?:past |individual )?(?:sick days|sickness|absences?|attendance|performance|productivity)|"
      r"(?:rank|score|rate|evaluat|monitor|track)\w* (?:the |our |individual |each )?(?:workers?|employees?|staff|operators?|technicians?|drivers?)(?:'s?)? (?:by |on |for )?(?:\w+ ){0,2}(?:performance|productivity|behaviou?r)|"
      r"(?:decide|choose|pick|select)\w* who (?:gets?|is offered|works?) (?:the )?(?:overtime|shifts?|bonus(?:es)?|promot\w+|pay ?rises?)|"
      r"(?:performance|productivity|behaviou?r) (?:of|per) (?:individual )?(?:workers?|employees?|staff|operators?|technicians?)|"
      r"predict\w* (?:which |who |whether )?(?:\w+ ){0,3}(?:will |might |may )?(?:quit|leave|resign)\b|\battrition\b|"
      r"(?:flag|spot|identify|find)\w* (?:who|which (?:workers?|employees?|staff|operators?)) (?:is |are )?(?:under|low|poor|best|top)[- ]?perform\w*|"
      r"\bbonus(?:es)? (?:decisions?|allocation|awards?|schemes?)|"
      r"reports? (?:on )?(?:who\b|which (?:workers?|employees?|staff|operators?|technicians?)|(?:the )?names? of)|"
      r"(?:names?|identif\w+|flags?) (?:the |each )?(?:individual )?(?:workers?|employees?|staff|operators?|people|persons?) who|"
      r"(?:allocat\w*|assign\w*|hand(?:s|ing)? out|dish(?:es|ing)? out|distribut\w*|dispatch\w*|divid\w* up) (?:of )?"
      r"(?:\w+ ){0,3}(?:tasks?|shifts?|work|jobs?|rosters?|work orders?)\b.{0,80}"
      r"(?:performance|behaviou?r|personal|traits?|history|reliability|scores?|rework|how (?:fast|quickly|well|often) "
      r"(?:they|he|she|each)|their (?:\w+ ){0,2}(?:rates?|speed|records?|times?))|"
      r"(?:individual|personal|each (?:worker|employee|operator|technician)'s|employees?'|workers?') "
      r"(?:performance|productivity) (?:history|data|scores?|records?)",
      ("monitors and evaluates the performance and behaviour of individual workers",
       "decides on promotion or termination of employees",
       "allocates tasks or shifts to workers based on their individual behaviour or personal traits",
       "tracks each technician's productivity and flags low performers to their manager",
       "scores each operator's shift performance and uses the score to decide who gets overtime",
       "identifies and reports the individual workers who break a safety rule",
       "predicts which employees will quit or resign")),
    R("essential_services", "high", "Art. 6(2) + Annex III point 5", "access to essential services: credit scoring, life and health insurance pricing, public benefits, emergency calls",
      r"credit ?(?:scor\w*|worth\w*)|creditworth\w*|loan (?:applica\w+|decisions?)|(?:life|health) insurance|"
      r"insurance pric\w*|(?:public |social )?benefits? eligib\w*|emergency calls?",
      ("evaluates the creditworthiness of people applying for a loan",
       "sets prices for life or health insurance for individuals",
       "decides who is eligible for public assistance benefits",
       "triages emergency calls and dispatches ambulances or firefighters")),
    R("law_enforcement", "high", "Art. 6(2) + Annex III point 6", "law enforcement",
      r"law enforcement|\bpolice\b",
      ("used by the police to assess evidence or the risk that someone becomes a victim of crime",)),
    R("migration", "high", "Art. 6(2) + Annex III point 7", "migration, asylum and border control",
      r"asylum|visa applica\w+|border control|migra\w+ (?:risk|applica\w+)",
      ("assesses visa or asylum applications or screens people at the border",)),
    R("justice", "high", "Art. 6(2) + Annex III point 8", "administration of justice and democratic processes",
      r"judicial|court (?:rulings?|decisions?|cases?)|(?:influence|sway)\w* (?:the )?(?:voters?|elections?)",
      ("helps judges decide cases or influences how people vote in elections",)),
    R("chatbot", "limited", "Art. 50(1)", "interacts directly with people (chatbot, voice assistant)",
      r"chat ?(?:bots?|assistants?)|virtual (?:agent|assistant)|voice (?:assistant|bot)|conversational|(?:assistant|copilot) that (?:talks|answers|chats)",
      ("a chatbot that answers questions from customers or employees",
       "a voice assistant that talks with callers on the service hotline")),
    R("generated_content", "limited", "Art. 50(2)-(4)", "generates synthetic text, images, audio or video (deep fakes)",
      r"deep ?fakes?|generat\w+ (?:synthetic |marketing |product )?(?:text|images?|photos?|video|audio|voices?|content)|"
      r"synthetic (?:images?|video|voices?|media)|(?:voice|video|image|avatar)s? (?:that )?(?:sounds?|looks?) like|"
      r"clon\w+ (?:\w+ )?(?:voice|face)s?|ai[- ]generated",
      ("generates images, videos or voices that look real",
       "writes marketing text or press releases automatically for publication")),
)

# Use cases that fall under no rule: they compete with the rules, so a rule must beat them to match by meaning.
MINIMAL_EXAMPLES: tuple[str, ...] = (
    "predictive maintenance of pumps, motors and compressors from vibration and temperature data",
    "anomaly detection on process sensors that advises engineers",
    "optimises the energy use of chillers and compressed air",
    "visual inspection of product defects on the production line",
    "forecasts production demand and spare parts stock",
    "estimates product quality from process data (soft sensor)",
    "schedules maintenance work orders for machines and assets",
    "searches technical manuals and summarises them for engineers",
    "detects leaks in compressed air pipes from ultrasound",
    "camera checks that workers wear helmets without identifying anyone",
)

# Sentences that only ask for the classification carry no facts about the use case.
META = (r"\b(?:what(?:'s| is)?|which) (?:is )?(?:the |its |our )?(?:eu )?(?:ai act )?(?:risk )?(?:tier|level|category|class\w*)"
        r"(?: (?:is|would|does) (?:that|this|it)(?: be| fall (?:under|into|in))?)?\b|"
        r"\bunder the (?:eu )?ai act\b|\beu ai act\b|\bclassify (?:it|this|that)\b|\b(?:draft|record|prepare) (?:a |the )?decision record\b|"
        r"\bis (?:it|this|that) (?:high[- ]risk|prohibited|allowed)\b|\bwhat (?:obligations|controls) apply\b|\brisk tier\b|"
        r"\bwhat does the (?:eu )?ai act (?:require|need|say)\w*\b|\banything the (?:eu )?ai act needs(?: from us)?|"
        r"\bany obligations?\b|\b(?:do|would|will) (?:we|i|they) (?:need|have) (?:to (?:go|run) through )?(?:the )?(?:full )?"
        r"(?:high[- ]risk|conformity|ai act) (?:process|assessment|route|treatment|obligations)(?: for (?:that|this|it))?")
NEGATION = r"\b(?:not|no|never|without|nor|none|neither|dont|doesnt|didnt|wont|cant|cannot|isnt|arent)\b|n't\b"
SAFETY_EXCEPTION = r"\b(?:fatigue|drows\w+|medical|microsleep|falling asleep)\b"

ARTICLES = {
    "prohibited": ["Art. 5 (prohibited practices)", "Art. 99 (penalties)"],
    "high": ["Art. 6 (classification)", "Art. 9 (risk management)", "Art. 10 (data governance)",
             "Art. 11 + Annex IV (technical documentation)", "Art. 12 (logging)", "Art. 13 (instructions for use)",
             "Art. 14 (human oversight)", "Art. 15 (accuracy, robustness, cybersecurity)", "Art. 26 (deployer duties)"],
    "limited": ["Art. 50 (transparency obligations)", "Art. 4 (AI literacy)"],
    "minimal": ["Art. 4 (AI literacy)", "Art. 95 (voluntary codes of conduct)"],
}
NIST = {
    "prohibited": ["GOVERN 1.1", "GOVERN 1.2", "MAP 1.1", "MANAGE 1.1"],
    "high": ["GOVERN 1.1", "GOVERN 2.1", "GOVERN 3.2", "GOVERN 4.1", "MAP 1.1", "MAP 3.5", "MAP 5.1",
             "MEASURE 2.5", "MEASURE 2.6", "MEASURE 2.7", "MEASURE 2.11", "MANAGE 2.4", "MANAGE 4.1"],
    "limited": ["GOVERN 1.1", "MAP 1.1", "MAP 3.5", "MEASURE 2.8", "MANAGE 4.1"],
    "minimal": ["GOVERN 1.1", "MAP 1.1", "MEASURE 2.5", "MANAGE 4.1"],
}
CONTROLS = {
    "prohibited": ["Do not deploy: stop the project and inform legal/compliance",
                   "Record the decision and the reason in the AI inventory"],
    "high": ["Risk management system over the lifecycle", "Data governance: representative, documented training data",
             "Automatic event logging kept at least 6 months", "Conformity assessment and CE marking before use",
             "Registration in the EU database where required", "Post-market monitoring and incident reporting"],
    "limited": ["Tell users they interact with an AI system", "Mark generated content as AI-generated",
                "Keep an AI inventory entry and an owner"],
    "minimal": ["AI inventory entry with owner and purpose", "Basic validation before go-live and monitoring after",
                "AI literacy for the people who use it"],
}
DOCUMENTATION = {
    "prohibited": ["Decision record of the stop"],
    "high": ["Technical documentation (Annex IV)", "Instructions for use", "Risk register", "Data sheet",
             "Fundamental-rights impact assessment where the deployer must do one (Art. 27)"],
    "limited": ["Use-case card", "User notice text"],
    "minimal": ["Use-case card", "Validation report"],
}
TESTS = {
    "prohibited": [],
    "high": ["Accuracy on held-out plant data", "Robustness (sensor drift, missing data, adversarial inputs)",
             "Bias / fairness across worker groups or shifts", "Cybersecurity review", "Fail-safe behaviour test"],
    "limited": ["Accuracy spot checks", "Disclosure shown to every user"],
    "minimal": ["Accuracy on held-out data", "Drift monitoring after go-live"],
}
OVERSIGHT = {
    "prohibited": "Not applicable: the practice must not be deployed.",
    "high": "Named, trained people can understand, override and stop the system (Art. 14); no automatic action on people or safety functions without review.",
    "limited": "A named owner reviews complaints and output samples.",
    "minimal": "The process owner reviews performance each quarter.",
}
SIGN_OFFS = {
    "prohibited": ["Legal / compliance", "AI governance board"],
    "high": ["Use-case owner", "AI governance board", "Safety / functional-safety engineer", "Data protection officer", "Works council where workers are affected"],
    "limited": ["Use-case owner", "AI governance lead"],
    "minimal": ["Use-case owner"],
}
