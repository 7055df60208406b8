"""Governance advisor prompts."""

INSTRUCTIONS = (
    "Task: AI governance advice. Explain which EU AI Act obligations and NIST AI RMF functions apply "
    "to the use case and why, citing the sources [n]. Name the deciding articles. Keep it to about 8 lines."
)

CLASSIFY = (
    "Classify this AI use case under the EU AI Act. Tiers: prohibited (Art. 5 practice), high "
    "(Annex III area or safety component of a product under Annex I, Art. 6), limited (transparency "
    "duties, Art. 50: chatbots, generated content, emotion recognition), minimal (everything else).\n"
    'Example: "chatbot answering staff questions about the canteen" -> {"tier": "limited", '
    '"annex_iii_area": "none", "safety_component": false, "interacts_with_people": true, '
    '"rationale": "A chatbot must tell people they talk to an AI (Art. 50)."}\n'
    "Use case: "
)
