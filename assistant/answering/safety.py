"""Two checks on the question itself, before any answer: warning signs that need a professional,
and attempts to talk the assistant out of its rules. Both hold in every mode."""

from __future__ import annotations

import re

# Red flags for back pain in runners: nerve symptoms, trauma, systemic signs, pain that escalates.
WARNING_SIGNS = [
    r"\bnumb(ness)?\b",
    r"\btingl\w*",
    r"pins and needles",
    r"\b(shoot|shooting|shoots|radiat\w*|travel\w*|spread\w*)\b[^.?!]{0,40}\b(down|into|through)\b[^.?!]{0,20}\b(leg|legs|foot|feet|buttock|butt|calf|thigh)\b",
    r"\bpain\b[^.?!]{0,20}\bdown (my|the|one|both|a) (leg|legs)\b",
    r"\bsciatica\b",
    r"\b(weak(ness)?|giving way|gives way)\b[^.?!]{0,20}\b(leg|legs|foot|feet|knee|knees)\b",
    r"\b(after|since|from)\s+(a|an|my|the)?\s*(bad\s+)?(fall|crash|accident|collision|injury)\b",
    r"\b(fell|fallen|slipped and|tripped and|crashed|was hit by|got hit by|injured)\b",
    r"\b(bladder|bowel|incontinen\w*|groin|saddle)\b",
    r"\b(pee|peeing|urinat\w*|poo|pooping)\b",
    r"\bfever\w*\b",
    r"\b(unexplained|unintentional)\s+weight loss\b|\b(lost|losing)\b[^.?!]{0,20}\bweight\b",
    r"\b(getting|gets|got|growing|grows)\s+worse\b|\bworsen\w*",
    r"\b(wakes?|woke|waking)\s+me\b|\bat night\b",
    r"\bnot (eased|easing|improving|getting better)\b|\b(won't|will not|doesn't|does not) go away\b",
    r"\b(for|over|past|last)\s+(several|a few|two|three|four|\d+)\s+(weeks|months)\b",
    r"\b(severe|excruciating|unbearable|intense)\s+(back\s+)?pain\b",
    r"\bcan't (walk|stand|move|feel)\b",
]
_WARNING = re.compile("|".join(f"(?:{p})" for p in WARNING_SIGNS), re.IGNORECASE)

INJECTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b[^.?!]{0,40}\b(instructions?|rules?|prompts?|guidelines?|article|context|above|everything|previous)\b",
    r"\b(system|hidden|initial|original)\s+(prompt|message|instructions?)\b",
    r"\b(reveal|print|show|repeat|output|leak|tell me)\b[^.?!]{0,30}\b(your|the)\s+(prompt|instructions|rules|configuration)\b",
    r"\brepeat (everything|all|the text)\b[^.?!]{0,30}\b(above|before)\b",
    r"\byou are now\b|\bfrom now on,? you\b|\bpretend (to be|you are|you're)\b|\bact as (a|an)\b|\brole-?play\b",
    r"\b(jailbreak|developer mode|DAN)\b",
    r"</?(system|assistant|instructions?)>|\[/?INST\]|<\|im_start\|>",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in INJECTION_PATTERNS), re.IGNORECASE)

# Added to the search for a question with warning signs, so the "when to see a professional"
# guidance is among the passages the answer can cite.
PROFESSIONAL_HELP_QUERY = "warning signs stop and see a doctor or a physiotherapist"


def has_warning_signs(question: str) -> bool:
    return bool(_WARNING.search(question))


def looks_like_injection(question: str) -> bool:
    """A question that tries to change the assistant's rules is not answered, even in part."""
    return bool(_INJECTION.search(question))
