"""Two checks on the question itself, before any answer: warning signs that need a professional,
and attempts to talk the assistant out of its rules. Both hold in every mode. A request to change
the rules is never followed: the sentences that make it are dropped, and only a real question
left beside them is answered.

Warning signs are caught recall-first, because a notice costs the reader a sentence and a miss can
cost much more: a broad net of everyday wording (a nerve symptom; pain that travels into a limb;
an injury or fall; body-wide signs; bladder or bowel changes; pain that is severe, worsening or
lasting), each also as readers tell it by its effect ("my foot slaps the pavement", "the
thermometer says 38.7", "painkillers don't touch it"), and, with an embedding model, closeness in
meaning to the corpus's own list of warning signs. Ordinary soreness ("achy legs two days after a new
session") is none of these, nor a fall the reader says did no harm, nor a problem long cleared up,
nor a sign the reader says they do not have ("no tingling, no pain into the legs"), nor a fever
without back pain, nor numb or tingling hands alone (the list names the legs and feet). Someone
else's signs count: a parent asking for a child needs the notice as much; a sign told in pieces
over a conversation counts as if told at once; and the signs' commonest words in five other
languages get the notice though the question itself is declined.
"""

from __future__ import annotations

import difflib
import itertools
import re

from assistant.text.rarity import english_rarity

LIMB = r"(legs?|foot|feet|toes?|heels?|buttocks?|butt|bum|glutes?|calf|calves|thighs?|hips?|knees?|shins?|ankles?|hamstrings?|groin)"
# "I can't feel my abs working" is exercise talk; not feeling a limb or the skin is a nerve sign.
NOT_FEELING = r"(can't|cannot|can not|couldn't)( really| quite| properly| fully)? feel (my |the |anything|a thing)\s*(?!(abs|core|muscles?|glutes|obliques|stomach)\b)(legs?|foot|feet|toes?|thighs?|calf|calves|hands?|bum|butt|bottom|groin|skin|side|it when|\b)"
NERVE = rf"(numb(ness|ed|ing|s)?\b|an(a)?esthe(tic|sia)\b|like (at |after |from )?the dentist|\b(after|at|from) the dentist\b|dentist'?s? (injection|jab|needle)|novocaine\b|dental injection|tingl\w*|pins (and|n|&) needles|needles|electric\w*|zing\w*|dead leg|{NOT_FEELING}|loss of feeling|no feeling|lost (some |all |the )?(feeling|sensation)|burning (sensation|feeling)|(hot|live|red-hot) wire)"
SPREAD = r"(shoot\w*|radiat\w*|travel\w*|spread\w*|extends?|extending|referr\w*|zaps?|follows?|following|tracks?|tracking)"
# Words that make a sentence about pain, for the signs that lie in how the pain goes (how long,
# since when): "for months" alone is as likely a training plan as a symptom, and "back into
# running" is a return, not a back.
PAINFUL = r"(lbp|pain\w*|hurt\w*|ach(e|es|ed|ing|y)|sore\w*|back(?! (running|to|into|in|on|from|after|at|home|out|again|with)\b)|niggl\w*|twing\w*|grief|killing|stiff\w*|spasm\w*|symptoms?|winc(e|es|ed|ing)|grimac\w*)"
WITH_PAIN = rf"^(?=[^.?!]*\b{PAINFUL}\b)[^.?!]*?"
# The same, with a word that names the pain itself: "my back feels stronger 6 weeks in" is no symptom.
HURTING = (
    r"(lbp|pain\w*|hurt\w*|ach(e|es|ed|ing|y)|sore\w*|niggl\w*|twing\w*|throb\w*|agony|spasm\w*|symptoms?)"
)
WITH_HURT = rf"^(?=[^.?!]*\b{HURTING}\b)[^.?!]*?"
# Pain a sentence says is over or easing: "two months on, the ache has largely gone".
IMPROVED = r"((aches?|hurts?) less|less pain|better|improv\w*|eased|easing|faded|fading|settled|cleared|vanished|disappeared|(mostly |largely |almost |all |completely |totally )?gone(?! (on|for|from|up|down|worse)\b))\b"
LONG_AGO = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|christmas"
    r"|new year|easter|spring|summer|autumn|winter|the fall|last (month|year|season|spring|summer|autumn|winter)"
    r"|(early|the start of) (the )?(month|year|spring|summer|autumn|winter)"
    r"|(the|my|that) ([\w-]+ )?(marathon|half|race|ultra|ironman|triathlon|season|\d+ ?k))"
)
# How a part of the body feels when its nerve is pinched: numb, dead, asleep, strange.
STRANGE = r"(numb\w*|dead|asleep|sleep|odd\w*|weird\w*|dull|tingl\w*|no feeling|strange\w*|feels?|feeling|sensation)\b"
# What a sentence names when the pain it tells comes from the exercises.
EXERCISE_WORDS = r"exercises?|moves?|reps?|sets?|crunch\w*|sit-?ups?|planks?|dead ?bugs?|shoulder taps?|bear (walks?|crawls?)|circuit|session"
# Words that make a score out of ten one of effort, not of pain ("RPE 8/10", "9 out of 10 effort").
SCORED_EFFORT = r"(rpe|effort|exertion|difficulty|intensity)"
WARNING_SIGNS = [
    rf"\b{NERVE}",
    r"\bsciatic\w*|\bslipped dis[ck]\b|\btrapped nerve\b|\bpinched nerve\b|\bnerve pain\b|\bnervy\b",
    # the serious condition behind some signs, and the signs by their clinical name
    r"\bcauda equina\b|\bred[- ]flags?\b(?=[^.?!]{0,60}\b(back|pain|symptoms?|cauda|doctor|physio|spine|spinal)\b)"
    r"|\b(back|pain|symptoms?|listed|doctor|physio|spine|spinal)\b[^.?!]{0,60}\bred[- ]flags?\b",
    # sensation that is off: "my foot feels fizzy / like cotton wool", "toes kind of fuzzy", "numb down there"
    r"\b(legs?|foot|feet|toes?|calf|calves|thighs?|buttocks?|bum|butt)\b[^.?!]{0,35}\b(fizz\w*|fuzz\w*|prickl\w*|buzz\w*|cotton[- ]?wool\w*|cling ?film|(feels?|feeling|felt) (weird|funny|odd|strange))\b",
    r"\bnumb\w*\b[^.?!]{0,20}\bdown (there|below)\b|\b(feeling|sensation)\b[^.?!]{0,15}\bdown below\b",
    # a foot that will not lift or push: "my foot slaps", "I keep catching my toes", "can't go up on my toes"
    r"\b(foot|feet)\b[^.?!]{0,30}\b(slap\w*|flopp\w*|flops)\b|\b(can'?t|cannot|can not) (lift|raise|pick up) (my )?(foot|feet|toes?)\b|\b(catching|catch|clipping|scuffing|dragging) my (toes?|foot)\b|\b{LIMB}\b[^.?!]{0,15}\b(gives?|gave|giving) out\b".replace(
        "{LIMB}", LIMB
    ),
    r"\b(can'?t|cannot|can not|couldn'?t|could not|unable to|no longer)\b[^.?!]{0,25}\b(tip-?toes?|(on|onto|up on) (my|his|her|their) toes|heels?)\b",
    # pain that travels from the back into a limb, in any everyday wording
    rf"\b{SPREAD}\b[^.?!]{{0,40}}\b(down|into|through|to|towards?)\b[^.?!]{{0,25}}\b{LIMB}\b",
    rf"\b(shoot\w*|radiat\w*)\b[^.?!]{{0,25}}\b{LIMB}\b",
    rf"\b(pain|ache|aching|hurts?|hurting|zaps?|zapping|twinges?|jolts?|burn\w*)\b[^.?!]{{0,50}}\b(down|into|through)\b[^.?!]{{0,25}}\b{LIMB}\b",
    rf"\b(weak\w*|giv(es|ing|en) way|gave way|buckl\w*|collaps\w*|drag\w*|floppy)\b[^.?!]{{0,25}}\b{LIMB}\b",
    # the limb itself gives way ("my left leg feels weak"), not "from my knees, I'm kinda weak"
    rf"\b{LIMB}\s+((feels?|feel|felt|feeling|are|is|went|goes|go|going|keeps?|getting|gets|got|just|has|have|been|become|started|starting|begun|beginning|to)\s+){{0,4}}(so |really |very |kind of |kinda |a bit |suddenly |gone |all ){{0,2}}(weak\w*|giv(es|ing|en) way|gave way|buckl\w*|collaps\w*|drag\w*)\b",
    r"\bfoot drop\b",
    # a limb that goes to sleep or stops working; "my legs are dead after the race" is tiredness,
    # "my leg went dead" is not
    rf"\b{LIMB}\b[^.?!]{{0,35}}\b(asleep|fall(s|ing)? asleep|useless|not working)\b|\b(leg|foot|toes?|thigh|calf|bum|butt|buttock)\b[^.?!]{{0,20}}\bdead(?! ?bugs?)\b"
    r"|\b(toe|foot|leg|heel|calf|thigh|shin)\b[^.?!]{0,30}\b(felt|feels?|feeling|gone|goes|go|went|going)\s+(\w+\s+)?dead(?! ?bugs?)\b"
    rf"|\b(dead|useless)\s+{LIMB}\b",
    # one leg or foot that goes heavy is a nerve sign; both legs heavy after hard training is tiredness
    r"\b(left|right|one) (leg|foot)\b[^.?!]{0,20}\bheavy\b|\bheavy (left|right) (leg|foot)\b",
    # pain of a kind that is not soreness
    # (pain from one exercise is that exercise's to stop, the notes say: "if an exercise causes sharp
    # pain, stop that exercise", so a sharp pain the sentence puts on a move is none of the list)
    rf"^(?![^.?!]*\b({EXERCISE_WORDS})\b)[^.?!]*?"
    r"\b(sharp|stabbing|searing|shooting|knife-?like|electric)\b[^.?!]{0,20}\b(pain|ache|twinges?|jolts?|sensation)\b",
    # described rather than named, as readers tell them
    # a limb that is not one's own, sleeps, crawls or will not push
    rf"\b{LIMB}\b[^.?!]{{0,60}}\b(belongs? to (somebody|someone) else|(is|isn'?t|not)( really| quite)? (mine|my own)|sleeping|ants (walking|crawling)|unreliable|flops?|flopping|smacks?|slapp\w*)\b",
    rf"\b(can'?t|cannot|can not|unable to)\s+push off\b|\b{LIMB}\b[^.?!]{{0,60}}\bbuckl\w*",
    # pain that travels, told by where it goes: "from the lower back to the heel", "along the leg"
    rf"\bfrom (my|the) (lower |low )?(back|spine|buttocks?|bum)\b[^.?!]{{0,40}}\b(down|all the way)\b[^.?!]{{0,30}}\b{LIMB}\b",
    rf"\b({SPREAD}|pain|ache|burn\w*|fire|zaps?)\b[^.?!]{{0,30}}\balong\b[^.?!]{{0,25}}\b{LIMB}\b",
    # severity and course in other words
    rf"{WITH_HURT}\b(severe|excruciating|unbearable|agony|agoni[sz]ing|horrendous|crippling|persistent)\b",
    r"\b(severe|excruciating|unbearable|agony|agoni[sz]ing|horrendous|crippling)\b[^.?!]{0,40}\b(pain|ache|back)\b",
    r"\b(can'?t|cannot|can not|couldn'?t|barely|hardly)\s+(get|put|pull)\s+(my\s+|his\s+|her\s+)?(own\s+)?(socks|shoes|trainers|trousers|pants|clothes)\s+on\b|\b(can'?t|cannot|barely|hardly)\s+(get dressed|tie my (shoes|laces)|stand up( straight)?)\b",
    r"\bscale (of|from) (1|one)\s*(-|to)\s*(10|ten)\b[^.?!]{0,40}\b([89]|10)\b"
    rf"|^(?![^.?!]*\b({SCORED_EFFORT}|workout|session|tempo|intervals?)\b)[^.?!]*?"
    r"\b(a solid|like a|easily a) ([89]|10)\b(?!\s*(k|km|mi|miles|min|mins|minutes|sets|reps|am|pm))"
    r"|\b(getting|get|got) (down )?(on|onto|to) the floor\b[^.?!]{0,20}\b(impossible|is not happening|isn'?t happening)\b"
    r"|\b(can'?t|cannot|couldn'?t|unable to)\s+(get|lie) (down )?(on|onto|to) the floor\b"
    r"|\b(both hands|two hands)\b[^.?!]{0,40}\b(stand up|get up|sit down|get out of)\b"
    r"|\b(can'?t|cannot|couldn'?t|unable to)[- ](turn|roll)[- ]over[- ]in[- ]bed\b"
    r"|\b(won'?t|doesn'?t|does not|will not) let me bend\b|\bcan'?t bend (at all|over|down)\b"
    r"|\b(needed|need|needs|had) (my |his |her |our |a )?[\w-]+ to (put|get|pull|tie) (my|his|her) (socks|shoes|trousers|pants|laces)\b",
    r"\bhad to (dress|help) (me|him|her)\b[^.?!]{0,20}\b(socks|shoes|dressed|out of bed|up)\b|\b(gone|went|going|progressed|escalated|turned) from (a |an |some )?(\w+ )?(niggle|twinge|ache|annoyance|stiffness|tightness)\b[^.?!]{0,30}\bto\b",
    r"\bpain ?killers?\b[^.?!]{0,30}\b(don'?t|do not|doesn'?t|does not|not|no longer|barely|hardly|aren'?t)\b|\b(ibuprofen|paracetamol|tylenol|advil|codeine|naproxen|pain ?killers?|pills|meds|tablets)\b[^.?!]{0,60}"
    r"\b((don'?t|doesn'?t|didn'?t|not|no longer|barely|hardly)\b( really| even)? (touch|help|work|do anything|does anything|make a dent|take the edge)"
    r"|(does|do|did) (nothing|sod all|zilch|zero))",
    rf"{WITH_HURT}(\bno better\b|\bnot (any )?better\b|\b(hasn'?t|has not|haven'?t|have not|not) been right\b|\b(hasn'?t|has not|doesn'?t|does not|didn'?t) let up\b|\banother notch\b)",
    rf"^(?![^.?!]*\b{IMPROVED}){WITH_HURT.lstrip('^')}(\b(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*(weeks|wks|months)\b(?! (plan|programme|program|block|build|training|of training)\b)|\b(for|over) the (past|last) (month|few weeks|couple of months)\b|\b(started|began|begun)\b[^.?!]{{0,30}}\b{LONG_AGO}\b)",
    r"\b(in|at|during) the night\b[^.?!]{0,60}\b(pain\w*|hurts?|hurting|aches?|aching|throb\w*|sore)\b",
    r"^(?![^.?!]*\b(on purpose|diet\w*|trying to lose|want(ed)? to lose|goal|deliberately|intentional\w*|cutting)\b)[^.?!]*?\b(reduction|drop|fall|loss|decrease) in (my )?(body )?weight\b",
    # bladder and bowel in everyday words
    r"\b(peed|pees|weed myself|wee'?d|poop|poops|pooed|(go|do|doing|going) (a )?number (two|2)|bowel movements?)\b"
    r"|\bwip(e|ed|ing)\b[^.?!]{0,50}\b((can'?t|cannot|barely|hardly|don'?t|not)\b[^.?!]{0,15}\bfeel|numb\w*|asleep)"
    r"|\b(can'?t|cannot|barely|hardly|don'?t)\s+(really\s+)?feel\b[^.?!]{0,25}\bwip(e|ed|ing)\b",
    # skin tested and not felt: "when I prod my shin I hardly feel a thing"
    r"\b(pinch\w*|prod\w*|pok(e|es|ed|ing)|touch\w*|press\w*|scratch\w*)\b[^.?!]{0,40}\b(barely|hardly|can'?t|cannot|couldn'?t|don'?t|didn'?t) (really )?feel\b",
    r"\b(area|down there|privates|bum cheeks|buttocks|bottom)\b[^.?!]{0,20}\b(asleep|numb\w*|no feeling)\b|\bdidn'?t (even )?(realise|realize|notice|feel)\b[^.?!]{0,30}\b(peed|wet myself|leak\w*)\b",
    # a wet patch nobody felt coming: "a wet patch on her leggings she never felt"
    r"\bwet (patch|spot|stain)\b[^.?!]{0,40}\b((had|did|have)n'?t|never|without)\s+(even\s+)?(feel\w*|felt|notic\w*|realis\w*|realiz\w*)"
    r"|\bwet (patch|spot|stain) (on|in) (my|the|his|her|their) (shorts|pants|trousers|leggings|tights|jeans|crotch|seat|bed)\b",
    # more described signs: a knee that gives way, pain that goes "till my knee", water that will
    # not start, pain "way worse" now or "getting steadily worse"
    rf"\b{LIMB}\b[^.?!]{{0,30}}\b(almost |nearly )?give way\b|\b(till|until|as far as)\s+(my|the)\s+{LIMB}\b[^.?!]{{0,20}}|\b(pain|ache|hurt\w*)\b[^.?!]{{0,30}}\b(till|until|as far as)\b[^.?!]{{0,15}}\b{LIMB}\b",
    r"\btrouble (getting|starting)\b[^.?!]{0,20}\b(water|stream|flow|pee|wee)\b|\b(hard|difficult|struggl\w*) to (pee|wee|urinate)\b"
    r"|\b(pass|passing) (urine|stool)\b|\bpass(ing)? water\b(?! (stations?|bottles?|fountains?|points?))|\bstrain to (pee|wee|urinate|go)\b|\b(lost|losing|no) (the )?(sense|feeling) of when\b",
    # the words a clinician would use
    r"\b(paraesthesi\w*|paresthesi\w*|radiculopath\w*|neuropath\w*|foot ?drop|retention|incontinent"
    r"|hyp(o|er)a?esthesi\w*|dysa?esthesi\w*|dermatom\w*|pyrexi\w*|cachexi\w*|positive (slr|straight[- ]leg raise)"
    r"|(great[- ]toe|toe|ankle) (extension|dorsiflexion)|dorsiflexion (is |isn'?t |feels )?(weak|reduced|poor|not))\b",
    # a foot, ankle or toes that will not come up: "can't pull my toes up", "the foot won't come up"
    r"\b(can'?t|cannot|can not|won'?t|unable to|no longer)\s+(\w+\s+){0,2}(pull|lift|raise|flex|bend|bring|cock)\b[^.?!]{0,20}\b(toes?|foot|feet|ankle)\b(?![^.?!]{0,10}\b(off|behind)\b)"
    r"|\b(toes?|foot|feet|ankle)\b[^.?!]{0,15}\b(won'?t|can'?t|doesn'?t|will not|does not)\s+(\w+\s+)?(lift|flex|raise|come up|go up|pull up|bend up)",
    # a limb that does not feel one's own, a knee that folds, pain from the buttock to the calf
    r"\b(doesn'?t|does not|don'?t|do not)\s+feel like (mine|hers|his|theirs|my own|her own|his own|their own|part of me)\b"
    r"|\b(knees?|legs?)\b[^.?!]{0,20}\b(folds?|folding|folded|goes from under|went from under)\b"
    r"|\b(back|buttock|bum|hip|glute)[- ]to[- ](calf|foot|knee|ankle|heel|toes?|thigh|leg|shin)\b",
    # a patch of skin that has gone strange, ants in the toes
    rf"\b(patch|area|strip|bit)\b[^.?!]{{0,40}}\b(gone|feels?|is|went)\b[^.?!]{{0,20}}\b(numb\w*|dead|strange|weird|odd|cardboard\w*|wooden|rubbery|furry|fuzzy)\b(?=[^.?!]*\b{LIMB}\b)|\b(patch|area|strip)\b[^.?!]{{0,30}}\b{LIMB}\b[^.?!]{{0,30}}\b(gone|feels?|went)\b|\bants\b[^.?!]{{0,30}}\b{LIMB}\b",
    # pain that will not let one sleep
    rf"{WITH_HURT}\b(not (allowing|letting) me (to )?sleep|keeps me from sleeping|can'?t (get (to sleep|comfortable)|find (a|any|one) comfortable (position|way))|no (position|way of lying) (\w+ )?(helps|works|good|comfortable)|up (at|by|around) \d+ ?(am|a\.m\.)?)\b",
    rf"{WITH_HURT}\b(progressive|progressing|despite (rest|painkillers|pain ?killers|analgesi\w*|ibuprofen|paracetamol|physio))\b",
    rf"{WITH_HURT}\b(way|much|a lot|loads|far|heaps|even) worse\b|\b(getting|gets|got|growing|becoming)\s+\w+ly\s+worse\b",
    # weight that goes without being lost on purpose
    r"^(?![^.?!]*\b(on purpose|diet\w*|trying to lose|want(ed)? to lose|goal|deliberately|intentional\w*|cutting)\b)[^.?!]*?\b(lost|losing|dropped|dropping|shed|shedding)\b[^.?!]{0,25}\b(weight|kilos?|kg|pounds|lbs|stones?)\b",
    r"\b(gaunt|wasting away|skin and bones?)\b|\b(thinner|skinnier)\b[^.?!]{0,25}\bwithout (me |her |him |them )?(trying|dieting|meaning to|changing)\b",
    r"\b(unexplained|unintentional|sudden)\s+weight loss\b|\b(lost|losing|dropped|dropping)\b[^.?!]{0,25}\bwithout (me |her |him |them )?(trying|dieting|meaning to|changing)\b"
    r"|\b(\d+|a few|two|three|four|five|six|several)\s*(kilos?|kg|pounds|lbs|stone)\s+(gone|off)\b[^.?!]{0,30}\bwithout (me |her |him |them )?(trying|dieting|meaning to|changing)\b|\b(clothes|jeans|trousers|pants|shorts|kit|waistband)\b[^.?!]{0,20}\b(loose|baggy|hang(ing|in'?)? off|fall(ing|in'?) off)(?!\w)",
    # bladder, bowel, the saddle area
    r"\b(bladder|bowels?|incontinen\w*|saddle (area|region)|genitals?|private parts|waterworks)\b",
    # a bike's saddle is a seat ("10 hours a week on the saddle"): where one sits on it is a sign
    # only when it feels numb, dead or strange
    rf"\bsaddle\b[^.?!]{{0,60}}\b{STRANGE}|\b{STRANGE}[^.?!]{{0,60}}\bsaddle\b",
    r"\b(pee|peeing|wee|weeing|urinat\w*|poo|pooing|pooping|pooed|pooped|soiled|soiling|soils|toilet|loo|wet(ting)? (myself|himself|herself|themselves|themself))\b",
    r"\b(can'?t|cannot|can not|don'?t|do not|doesn'?t|does not)\s+(really\s+|always\s+)?(tell|feel|sense|know)\s+when (i|he|she|they|we) (need|needs|have|has) to (go|pee|wee|poo)\b",
    r"\bleak(s|ed|ing|y)?\b|\b(can'?t|cannot|can not)( always| quite)? hold (it in|on to it|my (pee|wee|bladder|water))\b",
    r"\b(wet|wetting|wets) (the|my|his|her|their) bed\b|\bbed-?wetting\b",
    # "some accidents lately": the everyday word for losing bladder control (or a crash)
    r"\b(had|having|have had|been having)\s+(a|an|some|a few|a couple of|few)?\s*(little |small |minor |embarrassing )?accidents?\b",
    r"\bnumb(ness|ed)?\b[^.?!]{0,20}\b(groin|bottom|between (my|the) legs)\b",
    # the course of the pain: worse, at night, lasting, severe
    r"\b(it|pain|ache|aching|soreness|back)\s+(\w+\s+)?(creeps?|creeping|crept|ratchets?|ratcheting|inch(es|ing)?|edg(es|ing)|ticks?|ticking)\s+up\b|"
    r"\b(getting|gets|got|gotten|grown|growing|grows|becoming|become|became|keeps getting)\s+(\w+\s+)?(worse|worser)\b|\bworse and worse\b|\bworsen\w*|\bworse (every|each) (single )?(day|week|run)\b",
    r"\b(got|gotten|getting|become|became|turned)\s+(properly|really|much|so|seriously|very)\s+(bad|worse)\b",
    r"\b(pain|hurts?|hurting|aches?|aching|sore|throb\w*|worse|back)\b[^.?!]{0,30}\b(at|in the|during the) night\b|\bcan't sleep\b|\bcannot sleep\b",
    r"\b(every|each) (day|week|run|month) (it'?s |it gets |it is )?(a bit |a little |slightly |even )?(worse|more than the (day|week|run|month) before)\b"
    r"|\b(hasn'?t|has not|haven'?t|have not|never|didn'?t|did not)\s+(really\s+|ever\s+|once\s+)?(let up|eased|settled|cleared)\b",
    r"\bnot (eased|easing|improving|getting better|gone away|going away|letting up)\b|\b(won't|isn't|is not|never) (let|letting) up\b",
    r"\bworse (at night|lying down|when (i'?m )?lying|in bed)\b|\b(leak\w*|dribbl\w*) (urine|pee|wee)\b",
    rf"^(?![^.?!]*\b((aches?|hurts?) less|less pain|better|improv\w*|on purpose|deliberately|counting calories)\b){WITH_PAIN.lstrip('^')}\bsince\b[^.?!]{{0,25}}\b{LONG_AGO}\b",
    r"\b(won't|will not|doesn't|does not|hasn't|has not|isn't|is not|haven't)\s+((go|gone|going)(?! (anywhere|down|into|further|elsewhere|past|beyond|below)\b)|eased?|easing|improv\w*|settled?|getting better|got better|budg\w*|shift\w*|clear\w*)\b",
    rf"{WITH_PAIN}(\b(for|over|past|last|about|nearly|almost)\s+(the\s+)?(several|a few|few|a couple of|couple of|two|three|four|five|six|many|\d+)\s+(weeks|months)\b|\bfor (weeks|months|ages|yonks|forever)\b|\b(weeks|months) now\b|\bover a month\b|\bfor a month\b|\bfortnight\b)",
    r"\b(severe|excruciating|unbearable|agoni[sz]ing|agony|crippling|debilitating|intense|worst)\b[^.?!]{0,15}\b(pain|ache|back)\b"
    rf"|^(?![^.?!]*\b{SCORED_EFFORT}\b)[^.?!]*?(\b(8|9|10|eight|nine|ten) out of (10|ten)\b|\b(8|9|10)/10\b)",
    r"\b(pain|ache|back|it)\s+(is|'s|feels|has been|got)\s+(really|very|so|super|extremely|insanely|unbelievably)\s+(bad|awful|terrible|horrible|intense|brutal)\b",
    r"\b(can'?t|cannot|can not|couldn'?t|barely|hardly)\s+get (out of|up from|off) (a|the|my|her|his|their) (chair|sofa|couch|seat|car|bed)\b",
    # pain that rest does not ease
    r"\b(even|still)\s+(when|while|if)\s+(i'?m\s+)?(resting|lying|sitting( still)?|still|in bed|doing nothing|driving)\b|\bat rest\b",
    r"\bnothing (i do |i try |i'?ve tried |seems to )?(settles|eases|helps|shifts|touches|fixes) it\b"
    r"|\b(stopping|stops|stopped|keeping|keeps) (me|her|him|them) (from )?(sleeping|getting to sleep)\b",
    rf"{WITH_HURT}\b(constant|constantly|non-?stop|even (lying|resting|sitting still|in bed))\b",
    r"\b(can't|cannot|can not|couldn't|barely|hardly)\s+(even\s+)?(walk|stand|move|bend|sit|straighten|get out of bed|get up|lift my|get down)\b",
    r"\b(the )?(most|worst) pain (i'?ve|i have|i'?d|she'?s|he'?s) ever\b|\bworst pain (of my life|ever)\b",
    # told by what daily life shows: a foot that goes to sleep, a shoe lost without noticing, walking
    # "in thick socks", shuffling; crawling to the bathroom; a belt on its last notch
    rf"\b{LIMB}\b[^.?!]{{0,30}}\b(go(es|ing)?|gone|went) to sleep\b",
    r"\b(los(e|es|ing|t)|drop(s|ping|ped)?)\b[^.?!]{0,10}\b(flip-?flops?|shoes?|sandals?|slippers?|sliders?)\b[^.?!]{0,25}\b(without (noticing|realising|realizing|feeling)|and (don'?t|didn'?t) notice)",
    r"\b(walk\w*|feel\w*|stand\w*)\b[^.?!]{0,25}\b(in|on|through) (thick socks|cotton wool|cushions?|sponges?|pillows?|marshmallows?)\b"
    r"|\b(started|starting|keeps?|now) shuffling\b",
    r"\b(had|have|having) to crawl\b|\bcrawl(ed|ing)? to the (bathroom|toilet|loo|kitchen|bed|car)\b",
    r"\b(belt|belts)\b[^.?!]{0,20}\b(last|tightest|new|extra|another) (notch|hole)\b|\b(new|extra|more) (holes?|notches) (in|on) (my|his|her|the) belts?\b"
    r"|\b(down|in) (a|one|two|three|\d+) (belt )?(notch|notches|holes?)\b|\b(shirts?|tops?|dress(es)?|clothes|jeans|trousers)\b[^.?!]{0,15}\bhang(s|ing)? off (me|him|her|them)\b",
    r"\b(lost|losing|lose|no|zero|without) (any )?control (of|over) (my |his |her |their )?(number (ones?|twos?|1s?|2s?)|bum|bottom|pee|wee|poo|poos|toilet|loo|bowels?|bladder|bodily functions?|functions)\b|\bnumber (twos|2s)\b(?=[^.?!]*\b(control|accident|made it|leak\w*|felt|feel|notice\w*)\b)",
    r"\bbunged up\b|\bconstipat\w*|\b(can'?t|cannot|can not|don'?t|do not)\s+(really\s+)?feel\b[^.?!]{0,25}\bdown there\b",
    # pain told as an image that travels: "a jolt of lightning into the thigh", "a wire pulled from
    # the bum right to the heel"
    rf"\b(lightning|bolts?|shocks?|currents?|cords?|wires?|strings?|streaks?|ropes?|lines?)\b[^.?!]{{0,40}}\b(down|into|through|all the way to|right to)\b[^.?!]{{0,25}}\b{LIMB}\b",
    rf"\bfrom (my|the) (lower |low )?(back|backside|spine|buttocks?|bum|butt|bottom|hips?|glutes?)( cheeks?)?\b[^.?!]{{0,15}}\b(all the way|right|down) (down )?(to|into) (my|the) {LIMB}\b",
    # a knee or leg that fails under one ("knee gives in on a kerb"), a rail held to get downstairs
    r"\b(knees?|legs?)\b[^.?!]{0,10}\b(gives?|gave|giving|give) (up|in)\b(?! (on|after|at|before|in the|during|halfway|near)\b)"
    r"|\b(must|have to|had to|need to|needed to) (hold|grab|cling to|hang on to|hold on to|use) (the |a )?(rail|railing|banister|bannister|handrail|wall)\b",
    # bowel control lost: soiled kit, an urge never felt
    r"\b(messed|soiled|pooed|pooped|crapped|sharted|shat)\b[^.?!]{0,10}\b(myself|my (\w+ )?(shorts|pants|trousers|tights|leggings|knickers|undies|underwear|boxers))\b"
    r"|\b(didn'?t|did not|never|couldn'?t|could not) (even )?(feel|felt|sense|notice) (it|them) coming\b",
    # pain worse day on day in other words: "sharper than the day before", "nastier each morning"
    rf"{WITH_HURT}\b(nastier|sharper|more (painful|intense|bigger))\b[^.?!]{{0,25}}\b((every|each) (single )?(day|week|run|morning)|than (yesterday|the day before|before|last (week|time)))\b",
    rf"{WITH_HURT}\b(every|each) (single )?(day|week|morning)\b[^.?!]{{0,25}}\b(nastier|sharper|bigger|more painful|more intense)\b",
    # severe, told by comparison: with childbirth, kidney stones or a broken bone
    r"\b(worse than|up there with|on a par with|on par with|like|as bad as|compared to|comparable to)\b[^.?!]{0,15}\b(labou?r|childbirth|giving birth|contractions|kidney stones?|(a )?broken (bone|leg|arm|ankle|wrist)|breaking my (leg|arm|ankle|wrist))\b",
    # pain that will not let one lie or sleep: "it won't let me settle in bed"
    r"\b(won'?t|doesn'?t|does not|will not|didn'?t|would not|wouldn'?t) let me (lie|sleep|rest|lie still|lie down|get comfortable|get comfy|settle)\b",
]
# The corpus is English and a question in another language is declined, but the notice still shows
# for the signs' commonest words in German, Spanish, Portuguese, French and Italian: fever, numbness
# or tingling, pain into a leg, the toilet, a fall or an accident, weight lost.
OTHER_LANGUAGES = [
    r"\b(fieber|fiebre|febre|fièvre|fievre|febbre)\b",
    r"\b(taub\w*|kribbel\w*|entumec\w*|adormec\w*|hormigueo|dormência|dormencia|formigamento|engourd\w*"
    r"|fourmill\w*|intorpid\w*|formicol\w*)\b",
    r"\b(schmerz\w*|dolor|dor|douleur|dolore)\b[^.?!]{0,80}\b(beine?|piernas?|pernas?|jambes?|gamb[ae])\b"
    r"|\b(beine?|piernas?|pernas?|jambes?|gamb[ae])\b[^.?!]{0,40}\b(schmerz\w*|dolor|dor|douleur|dolore)\b",
    r"\b(toilette|klo|blase|inkontinenz|vejiga|baño|bexiga|banheiro|vessie|vescica|incontinen\w*)\b",
    r"\b(gestürzt|sturz|unfall|caída|accidente|queda|acidente|chute|tombée?|caduta|caduto|incidente)\b",
    r"\b(abgenommen|gewichtsverlust|perd(í|i|u) peso|pérdida de peso|perda de peso|perdu du poids|perte de poids"
    r"|perso peso)\b",
]
_WARNING = re.compile("|".join(f"(?:{p})" for p in WARNING_SIGNS + OTHER_LANGUAGES), re.IGNORECASE)
# A nerve symptom of the hands alone (fingers that fizz in a high plank) is none of the
# list's, which names the legs and feet; told with a leg or foot, it still is.
HANDS_ONLY = re.compile(
    rf"^(?![^.?!]*\b{LIMB}\b)(?=[^.?!]*\b(fingers?|hands?|wrists?|thumbs?|palms?|arms?)\b)[^.?!]*",
    re.IGNORECASE,
)
_NERVE = re.compile(NERVE, re.IGNORECASE)
# An injury: a fall, a trip, a crash. It counts unless the reader says no harm came of it
# ("tripped on a kerb but it didn't hurt a bit").
INJURY_SIGNS = [
    # an injury: a fall, a trip, a crash, a knock, something that went; a person slips ("I slipped on
    # the ice"), a thing that slips does not ("the belt keeps slipping", "my form started slipping")
    r"\b(after|since|from|in)\s+(a|an|my|the|that)?\s*(bad\s+|nasty\s+|big\s+)?(fall|crash|accident|collision|injury|tumble|wipe-?out|knock|impact)\b",
    r"\b(fell(?! behind| asleep| (hard |completely |totally |head over heels )?for\b| (right |way |well )?off (a|the) (cliff|wagon|plan|pace|back of)| (races?|racing|runs?|running|runners?|shoes?|season|club|series|routes?|tops?|paths?|walk\w*|league|events?)\b)|fallen(?! behind| asleep| off a cliff)|falling over|(?<!\bbelt )(?<!\bchain )(?<!\bform )(?<!\bpace )(?<!\bkeeps )(?<!\bkept )(?<!\bstarts )(?<!\bstarted )slipp(ed|ing)|\b(keeps|kept|starts|started) slipping (on|over|down|off)\b|tripped(?! up on| me up)|tripping|stumbled|crashed(?! (on|out|in)\b)|collided|wiped out(?! (after|from|by)\b)|came off|went flying|landed ((really |very |so |quite )?(hard|badly|awkwardly|heavily)|on))\b",
    r"\b(a|hard|bad|nasty|big|heavy|awkward)\s+(fall|tumble|crash|wipe-?out|spill|landing)\b",
    # in other Englishes: "skited on the ice", "went doon hard"; a vehicle that hit the reader's own
    r"\bskit(ed|ing|e)\b|\bwent doon\b"
    r"|\b(car|van|bike|cyclist|truck|lorry|bus|taxi|cab|auto|rickshaw|scooter|motorbike|someone|somebody|a driver)\b[^.?!]{0,20}\b(hit|rammed|bumped|struck|clipped|knocked|smashed into|went into|drove into|ran into|crashed into) (me|my (car|bike|scooty|scooter|motorbike|motorcycle|van|bicycle|cycle))\b"
    r"|\binto the (back|rear|side) of (mine|ours)\b",
    r"\b(trail|bike|ice|icy|ski|skiing|stair|stairs|ladder|horse|running|cycling)\s+(fall|crash|accident|spill)\b",
    r"\b(ate it|ate dirt|ate pavement|took a (spill|tumble|fall|hit)|bailed(?! (at|after|early|halfway|half-way|out|on (it|(the|my|that|this|today's) ([\w-]+ )?(run|session|workout|plan|race|rest|intervals|reps|tempo))))|went down hard|hit the (deck|ground|pavement|floor|ice|road|tarmac|concrete|kerb|curb)|face-?plant\w*|wip(e|ed|ing) ?out(?! (after|from|by)\b)|stacked it|arse over (tit|elbow)|ass over (tea ?kettle|elbow)|head over heels(?! (for|in love)\b))\b",
    r"^(?![^.?!]*\blike (i'?ve |i have |i )?(been|got)\b)[^.?!]*?\b(was|got|been|being) (hit|knocked|struck|tackled|rear-ended|kicked|elbowed|kneed|punched)\b|\binjured\b|\baccident(?!al)\b(?<!by accident)|\b(jumped|landed|fell) on (my|me)\b",
    r"\b(banged|bashed|smacked|whacked|hit|jarred|wrenched|twisted)\s+my\s+(lower\s+)?(back|spine|tailbone|coccyx)\b|\blanded (right |hard |smack |flat |heavily |badly )?on (my|her|his|their) (back|bum|butt|backside|tailbone|coccyx|spine)\b|\bwhiplash\b|\bcame a cropper\b",
    r"\b(drove|driven|crashed|ran|reversed|backed) into (my car|me)\b|\b(got|get|getting|was|been) flattened\b|\bbowled (me )?over\b|\bcame down (hard |heavily |badly )?on (my|the) (back|lower back|bum|backside|butt|tailbone|coccyx|hips?|side|ground|floor)\b|\b(horse|pony|bull|bike)\b[^.?!]{0,10}\b(threw|chucked|bucked|flung) (me|him|her|them)\b|\b(hit|struck) from behind\b",
    r"\b(went|go|going|gone|flew|flown|flipped|came|sailed) over (the|my|his|her|their) (handle ?bars|bars|front wheel)\b|\bover the (handle ?bars|bars)\b"
    r"|\b(took|taken|take|takes|taking|got|had) a (hard |big |heavy |nasty |late |proper |bad )?(tackle|hit|knock|blow|bang|whack|clatter)\b"
    r"|\b(got|been|was|were|get|getting) doored\b"
    r"|\bslip(s|ped)? (on|down) (the|a|some|my) (stairs|steps|ice|floor|pavement|path|kerb|curb)\b"
    r"|\b(hit|banged|bashed|smacked|whacked|struck) (the|my|her|his) (lower |low )?back (on|against)\b"
    r"|\bwent over on (my|his|her|their|the) (backside|bum|butt|back|side|hip|ankle|tailbone)\b"
    r"|\b(meeting|introduction|date|argument|disagreement|close encounter|appointment) with the (ground|floor|pavement|tarmac|deck|trail|concrete|ice|road)\b",
    r"\b(get|gets|getting)\s+(hit|knocked|tackled|rear-ended|kicked|struck)\b(?!\s+(with|by (a |the )?(wave|wall|bug|virus|cold)))",
    # a car driven into the reader's, a load that struck the reader's back
    r"\b(went|drove|ran|crashed|smashed|ploughed|plowed|slammed|backed|reversed|bumped|rolled|shunted|hit) into the (back|side|front|rear) of (my|our|the|his|her) (car|van|bike|truck)\b"
    r"|\b(hit|struck|smacked|whacked|caught|clipped|knocked|got) me (right |hard |square |full )?(in|on|across) (the|my) (lower |low )?(back|spine|side|hip|tailbone)\b",
    # a bout of shivers is called off like a fall: "soaked and shivering, fine now after a shower"
    r"\bshiver\w*|\bchills\b|\bburning up\b",
    r"\b(something|it|my back)\s+(twang\w*|popped|snapped|went|gave|clicked|tore)\b(?! (on|for|to|up|well|fine|okay|ok|away|after|again|off|back|quickly|straight)\b)|\b(felt|heard)\s+(a|something)\s+(pop|snap|twang|tear|click|crack|go|give)\b|\btwang\w*\b",
    # more ways a reader is hurt: on the road, off a horse, down the stairs, by the sea
    r"^(?![^.?!]*\blike (i'?ve |i have |i )?(been|got|was)\b)[^.?!]*?\b(hit by (a|the) (car|bike|van|truck|lorry|bus|cyclist))\b",
    r"\b(rear[- ]ended|(car|van|bike|cyclist)\b[^.?!]{0,20}\b(hit|touched|clipped|knocked|struck) me|knocked me (off|down|over)|knocked off my (bike|bicycle)|(thrown|throwed|flung|bucked|tossed) (off|from|by) [^.?!]{0,25}\b(horse|pony|bike|bicycle|scooter|motorbike|quad|mule|bull)|went down (the|a) whole (flight|stairs)|missed (a|the) (\w+ )?(step|stair)|(sat|came|went|landed) down (hard|heavily)|(car|van|bike|cyclist|truck|lorry|bus|taxi|door|scooter|motorbike)\b[^.?!]{0,30}\b(bump(ed|s)?|hit|touched|clipped|knocked|struck|opened|swung|slammed) (in)?to me|(car|van|bike|cyclist|truck|lorry|bus|taxi|scooter|motorbike)\b[^.?!]{0,20}\bbump(ed|s)? me|(fell|tumbled|slid|slipped|bounced|bumped|rolled) down (the |a )?([\w-]+ ){0,3}(stairs|steps|flight)|(missed|lost) my footing|dumped by a wave|slammed (into|onto|against)|(fell|went down|landed) (on|to|onto) the (ground|floor)|car (crash|accident))\b",
]
_INJURY = re.compile("|".join(f"(?:{p})" for p in INJURY_SIGNS), re.IGNORECASE)
NO_HARM = re.compile(
    r"\b(no harm( done)?|nothing hurts|back('?s| is) (totally |completely |absolutely )?fine|got (straight|right) (back )?up|only my (pride|ego)|(pride|ego) (is |was )?(hurt|bruised|dented)|bruised (ego|pride)|zero pain|no pain|(didn'?t|did not|doesn'?t) hurt|wasn'?t hurt|unhurt|not hurt|caught myself"
    r"|no damage|nearly (fell|ate|went|tripped|slipped|came off)|(totally|completely|perfectly|absolutely) fine|fine now|all good now|right as rain)\b",
    re.IGNORECASE,
)
# "A fever of excitement", "cabin fever", a hydration bladder: a sign's word in other senses.
FIGURATIVE = re.compile(
    r"\b(on pins (and|n|&) needles|pins (and|n|&) needles (waiting|about|over|until|till|before)|accident(?=[^.?!]*\b(spill\w*|knocked|coffee|tea|cup|mug|glass|wine|juice|paint)\b)|happy accidents?|(hydration|water|drinks?) (bladders?|reservoirs?)|fever (of|pitch)|feverish (training|block|build|pace|week|mileage|schedule)|fall (marathon|half|race|races|season|10k|5k|ultra|series|league|term|semester|block|training)|(cabin|race|spring|football|marathon|gold) fever|numb (with|from) (the )?(boredom|cold|fear|shock|grief)"
    r"|tingl\w* (excited|excitement|with (excitement|anticipation|nerves))|(excited|nervous) tingl\w*"
    r"|wee (bit|one|ones|while|lad|lass|dram|thing|bairn|hill|walk|jog|run|stiff|sore|achy|tired))\b",
    re.IGNORECASE,
)
# Signs the reader says they do not have, as one who has read the list may ("no tingling,
# no numbness, no pain into the legs", "toilet as usual", "never had a fall", "it's not keeping me
# awake"). Only a sign's name right after the word that denies it is set aside: "no feeling in my
# foot" and "can't feel my toes" tell a sign, and a sign told beside a denied one still counts.
SIGN_NAMES = (
    r"(numbness|numb|tingl\w*|pins (and|n|&) needles|weakness|sciatica|shooting pains?|nerve (pain|symptoms?)"
    r"|leg (symptoms?|pain)|neuro(logical)? (symptoms?|signs?)|saddle (symptoms?|numbness|an(a)?esthesia)"
    r"|fever|(a |high )?temp(erature)?|weight loss|night (pain|sweats)|red[- ]flags?|warning signs?"
    r"|(bladder|bowel|toilet|loo|bathroom|waterworks) (problems?|issues?|changes?|trouble|symptoms?)"
    r"|falls?|tumbles?|knocks?|crash(es)?|accidents?|injur(y|ies)"
    r"|(anything|nothing|pain) (going |shooting |radiating |travelling |traveling )?(down|into) (my |the |either |both )?legs?)"
)
DENIED = re.compile(
    r"\b(no|not|nor|without|zero|never had|haven'?t had|hasn'?t had|don'?t have|doesn'?t have|didn'?t have|no sign of"
    r"|no (dramas|problems|issues|trouble|bother) (with|from)( the| my)?"
    rf"|free of|none of the)\s+(any\s+|real\s+|obvious\s+)?{SIGN_NAMES}(\s*(,|or|and|nor|/)\s*(no\s+|any\s+)?{SIGN_NAMES})*\b"
    r"|\bnothing (radiating|shooting|travelling|traveling|going down|down (my|the) legs?)\b"
    r"|\bnothing (spreads|spreading|goes|going|runs|running|travels|moves|moving|shoots)\s+(down|into)\b"
    r"|\b(doesn'?t|does not|don'?t|do not|never|isn'?t|is not|not)\s+(go|goes|going|travel\w*|spread\w*|shoot\w*|radiat\w*|run|runs|move|moves)"
    r"\s+(down|into|to) (my|the|either|both|his|her)?\s*(legs?|feet|foot|buttocks?|bum)\b"
    r"|\b(didn'?t|did not|never|haven'?t|have not) (take|taken|have|had) a (tumble|fall|knock|spill)\b"
    r"|\b(haven'?t|hasn'?t|have not|has not|didn'?t|did not|never) (fallen|fell|fall|crashed|crash|been injured|been hurt)\b"
    r"|\b(not|isn'?t|is not|doesn'?t|does not|never) (keeping|keep|keeps|waking|wake|wakes) me( up| awake)?\b"
    r"|\b(haven'?t|hasn'?t|have not|has not|didn'?t|did not|not) (lost|losing|lose) (any )?weight\b"
    r"|\bno (aches?|pain|soreness|niggles?)( anywhere| at all| whatsoever)?\b"
    r"|\b(my )?back('s| is| feels?)\s+(totally |completely |perfectly |absolutely )?(fine|ok|okay|normal|good|great|solid)\b"
    r"|\bnothing (weird|odd|wrong|strange|unusual|funny|off|new)\s+(with|w|w/|about|going on with|re)\s+(the |my )?(loo|toilet|bladder|bowels?|waterworks|wee|pee|peeing|weeing)\b"
    r"|\bneuro(logically)? intact\b|\b(sensation|power|reflexes)( and (sensation|power|reflexes))? (are |is )?(normal|intact)\b"
    r"|\bno (funny|odd|weird|strange|unusual) (feelings?|sensations?)\b"
    r"|\bno (dramas|problems|issues|trouble|bother) (with|from) (the |my )?(loo|toilet|bladder|bowels?|waterworks|peeing|weeing|wee|pee)\b"
    r"|\b(legs and feet|feet and legs|legs|feet|toilet( stuff| habits| department| side( of things)?)?|loo( habits| department| side( of things)?)?|bladder|bowels?|waterworks)\b"
    r"(\s+and (everything|all)( else)?)?\s+(feel\s+|are\s+|is\s+|all\s+)*(totally |completely |perfectly |absolutely |entirely )?(normal|fine|unchanged|as usual|unremarkable)\b",
    re.IGNORECASE,
)
# Signs long over ("a trapped nerve back in 2019 that cleared up"): the sentence that tells them says
# nothing of the reader now. Someone else's signs still get the notice: a parent asking for a child
# needs it as much.
RESOLVED = re.compile(
    r"\b(cleared up|all cleared|cleared fully|fully cleared|fully recovered|recovered fully|no symptoms since|(totally |completely |fully )?over it now"
    r"|all better now|gone now|long gone|came right\b[^.?!]{0,6}\b(after|as soon as|when|once)|(?<!n't )(?<!not )(went|goes|go|gone) away (as soon as|once|when|after) (i|we|my|the|her|his|our) \w+"
    r"|(back to normal|came back|come back|woke up|returned) (in|after|within) (about |around |under )?(a|one|\d+|a few|a couple of) (seconds?|minutes?|moments?)"
    r"|(nothing|not a (twinge|thing|peep|flicker)|(no|zero) ((leg|back|nerve) )?(problems?|issues?|trouble|pain|twinges?|symptoms)|(all )?gone) (ever )?since(?=\s*([,.;!]|$|then\b|i was\b|(19|20)\d\d\b))"
    r"|(got|been|was) discharged|(been )?(completely |totally |perfectly )?fine for (ages|years|months|a long time)|(physio|physiotherapy|treatment|surgery|doctor|it) (fixed|sorted|cured|resolved) (it|that|this)|(totally|completely) dry now|(haven'?t|hasn'?t|have not|has not) had (any )?(symptoms|problems|issues|trouble|pain|twinges?) since|never (came|come) back|(hasn'?t|has not|haven'?t) (come|came) back"
    r"|sorted (itself )?(out )?(within|after|in) (a|one|\d+|a few|a couple of) (days?|weeks?))\b",
    re.IGNORECASE,
)
# Water drunk explains a night-time wee; nerves explain one before a race.
EXPLAINED_WEE = re.compile(
    r"\b(nervous (wee|pee)s?|(after|from) (drinking|chugging|downing)|too much (water|coffee|tea|beer)"
    r"|i drink\b[^.?!]{0,30}\b(litres|liters|water)|(toilet|loo) (break|stop)|pit stop|portaloo|(pure |just |race )?nerves)\b",
    re.IGNORECASE,
)
# A leg asleep after sitting cross-legged is explained by how one sat ("like sitting cross-legged"
# compares, so it still tells a sign).
SAT_CROSS_LEGGED = re.compile(
    r"^(?![^.?!]*\blike\b)[^.?!]*\bcross[- ]?legged\b",
    re.IGNORECASE,
)
# Control lost is no drink's doing: "it's the tea, but there have been some leaks" still tells a sign.
LOST_CONTROL = re.compile(
    r"\bleak(s|ed|ing|y)?\b|\baccidents?\b|\bwet (myself|himself|herself|themselves|themself|the bed)\b|\b(didn'?t|did not) make it\b",
    re.IGNORECASE,
)
# "My keys", "the bottle", "a dog": what a thing that fell or leaked is said of.
WHOSE = r"\b(my|the|a|an|his|her|our|their|your)\s+"
# Something that fell is no fall of the reader's ("my keys fell out of my pocket"); a person's still is,
# and so is a foot or a grip that slipped.
THING_FELL = re.compile(
    WHOSE + r"(?!(son|daughter|kid|child|boy|girl|mum|mom|mother|dad|father|wife|husband"
    r"|partner|friend|mate|brother|sister|nan|gran|grandma|grandad|grandpa|grandson|granddaughter|teen|teenager"
    rf"|back|spine|hands?|arms?|grip|footing|{LIMB})\b)"
    r"[a-z]+\s+(fell|slipped|tripped|dropped|came off)\b",
    re.IGNORECASE,
)
# A thing that leaks ("my snorkel mask keeps leaking", "the bottle leaked") is no bladder sign.
A_THING = (
    r"(?!(little|small|tiny|few|couple|bit|lot|lots|load|loads|number|handful|slight|occasional|minor|of|bladder|pelvic"
    r"|wee|pee|urine)\b)[a-z]+"
)
THING_LEAKS = re.compile(
    rf"{WHOSE}{A_THING}(\s+{A_THING}){{0,2}}\s+"
    r"((keeps|kept|is|was|has been|started|starts|always)\s+)?leak\w*",
    re.IGNORECASE,
)
# In a message about pain, lying awake in the small hours ("awake at 3am again", "walking the landing
# at 4am"); up at 4am for a run is no sign.
SMALL_HOURS = re.compile(
    r"\b(awake|pacing|lying there|tossing and turning|can'?t (get back to )?sleep)\b[^.?!]{0,40}\b(at|till|until|by|around|gone|past)"
    r"\s+(like\s+|about\s+|around\s+)?[1-5](:\d\d)?\s*(am|a\.m\.)|\bsmall hours\b"
    # woken, not up by choice: "I woke at 2 with it pounding" (up at 5 for a run is no sign)
    r"|\b(wake|wakes|woke|waking)( up)? (at|around|about|by)( like| about| around)? [1-4](:\d\d)?(\s*(am|a\.m\.))?\b(?!\s*(k|km|kms|miles|mi)\b)"
    # (not woken by something else: "thanks to the toddler")
    r"(?![^.?!]{0,20}\b(because of|thanks to|due to|from) (the |a |an |my |our |his |her )?(?!back|pain|lower back)\w+)"
    r"|\b(up|awake|wake|waking|woken|woke)\b[^.?!]{0,15}\b(\d+(-\d+)?|a few|several|two|three|four|five|many) times (a|per|every|each) night\b"
    r"|\b(get|got|getting|climb|climbing) (out of bed|up) (and|to) (pace|walk|stretch|wander)\b"
    r"|\bup (at|around|by) [1-5](:\d\d)?\s*(am|a\.m\.)?\s+(every|each|most) (morning|night)\b"
    r"|\bmiddle of the night\b|\b(awake|up|sleep|sleeping)\b[^.?!]{0,30}\b(because of|due to|thanks to) (my|the|his|her|their) (back|pain)\b"
    r"|\b(too much|too sore|too painful|too bad) to (sleep|get to sleep|get comfy|lie down)\b",
    re.IGNORECASE,
)
# In a message about pain or a nerve symptom, something that goes down into a limb ("it goes down into
# my calf"): "which moves go down on the knees?" says the same of exercises.
TRAVELS = re.compile(
    rf"\b(go|goes|going|went|gone|runs|running|ran|moves|moving|creeps?|creeping|comes?|coming|spills?|drips?|dripping|trickl\w*|seeps?|seeping|flows?|flowing|pours?|pouring|snakes?|snaking|wanders?|wandering)\b[^.?!]{{0,35}}\b(down|into)\b[^.?!]{{0,25}}\b{LIMB}\b",
    re.IGNORECASE,
)
ABOUT_SYMPTOMS = re.compile(rf"\b{PAINFUL}|{NERVE}|\btight(ness)?\b", re.IGNORECASE)
# In a message about pain, pain that wakes one ("then it woke me at 4"), though the sentence says only "it".
WAKES = re.compile(
    r"^(?![^.?!]*\b(toddler|baby|babies|newborn|kids?|son|daughter|children|twins|dog|puppy|cat|alarm|partner|husband|wife|neighbou?rs?)\b[^.?!]{0,10}\b(wakes?|woke|waking|keeps?)\b)[^.?!]*?"
    r"(\b(wakes?|woke|waking) me\b|\b(wake|keeps?) me (up|awake)\b"
    r"|\b(jolt|jolts|jolted|jolting|start|starts|started|starting|bolt|bolts|bolted|bolting|jerk|jerks|jerked|jerking)\s+awake\b)",
    re.IGNORECASE,
)
ABOUT_PAIN = re.compile(rf"\b{PAINFUL}", re.IGNORECASE)
# Signs that count only in a message of that kind, though their own sentence says only "it".
# In a message about pain, no position to sleep in: "can't get comfortable at all",
# "sleeping upright in a chair", though the sentence does not say what hurts.
NO_WAY_TO_SLEEP = re.compile(
    r"\bcan'?t get (comfortable|comfy)\b|\bno comfortable (position|way)\b|\bsleep\w*\s+(sitting up|upright|in (a|the|my|her|his|their) (chair|recliner|armchair))\b",
    re.IGNORECASE,
)
# Weight gone, told as two readings ("80 kg at Easter, 73 kg now") or as a body grown thin,
# in a message that says the reader is not trying to lose it.
NOT_TRYING = re.compile(
    r"\b((not|isn'?t|aren'?t|wasn'?t) (dieting|trying|on a diet)|(haven'?t|hasn'?t) (been )?(dieting|trying|changed)|appetite'?s? (is )?(fine|normal|good|the same)"
    r"|eating (more|(exactly |just )?the same|normally)|(ain'?t|haven'?t|hasn'?t|not) changed (how|what) (i|he|she|they) eat|(not|isn'?t|aren'?t) eating (any )?less|same (food|diet|meals)|training less|no (change|changes) (in|to) (my |what i eat|diet))\b",
    re.IGNORECASE,
)
WEIGHT_GONE = re.compile(
    r"\b(got|gotten|getting|grown|become|becoming|gone|went|going|looks?|looking)\s+(really |very |so |quite |a lot |much |too )?(thin|thinner|skinny|skinnier|bony)\b|"
    r"\b\d+(\.\d+)?\s*(kg|kilos?|lbs?|pounds|st|stone)\b[^.?!]{0,60}\b\d+(\.\d+)?\s*(kg|kilos?|lbs?|pounds|st|stone)\b"
    r"|\b\d+(\.\d+)?\s*(kg|kilos?|lbs?|pounds|st|stone)\s+(lighter|down|less|gone)\b|\bdown (a|one|two|half a|\d+) (stone|kilos?|kg|pounds|lbs)\b",
    re.IGNORECASE,
)
# Body-wide signs count along with back pain (the corpus's list says so): "a slight temperature
# with a head cold, back's fine" tells none. A temperature told as a reading, or how it feels.
BODY_WIDE = re.compile(
    "|".join(
        (
            r"\bthermometer\b|\b(my|a|with a) temp(erature)? (of|was|is|reading|reads|says|hit)\b|\btemp(erature)? (of |at |is |was )?(3[89]|40|10[0-4])\b|\b(3[89]|40)[.,]\d\b(?!\s*(k|km|kms|mi|miles|kg|kilos)\b)|\b10[0-4]([.,]\d)?\s*(°|degrees)?\s*f\b|\b(like (the )?flu|flu-?like|fluey|(have|got|with|feel\w*|coming down with) (the )?flu)\b|\bboiling (then|and) freezing\b|\bhot(,| and| then)\s*cold\b|\bhot\b[^.?!]{0,25}\b(then|and)\b[^.?!]{0,10}\b(shaking|shivering|freezing) cold\b|\bcold(,| and| then)\s*hot\b|🔥\s*🥶|🥶\s*🔥"
            r"|\b(sheets|pillow|bed|pyjamas|pajamas)\b[^.?!]{0,20}\b(soaked|drenched|wet)\b|\b(woke|wake|waking) up (drenched|soaked)\b",
            r"\bfever\w*\b|\bhigh temperature\b|\b(a|running a) temperature\b|\bchills\b|\bnight sweats?\b|\bsweat\w* at night\b",
            r"\b(feel|feeling|felt)\s+(unwell|ill|sick|feverish|rough)\b|\bhot and cold\b|\b(low-?grade|slight|mild) (temp|temperature)\b|\ba temp\b",
        )
    ),
    re.IGNORECASE,
)
# In a message about pain, pain that was less before ("only a twinge on hills initially, and now it's
# there on flat 5ks"), that is there at rest ("even while I'm lying on the sofa", "sore on rest days
# too"), or that is sliding downhill.
WORSE_THAN_BEFORE = re.compile(
    r"\b(at first|to begin with|initially|in the beginning|used to)\b"
    r"(?![^?!]{0,120}\b(better|improv\w*|barely|without|less|easier|stronger|fitter|no longer)\b)"
    r"[^?!]{0,120}\b(now|these days|lately|this week|today)\b"
    r"|\b(last|previous) week\b[^?!]{0,80}\bthis week\b"
    r"|\bstill (climbing|rising|going up|increasing|creeping up)\b|\beven (when |while )?(just )?(sitting|sat) (at|on|in) (my|the|a)\b"
    r"|\beven (when|while|if) (i'?m |i am |he'?s |she'?s |they'?re )?(just )?(sitting|sat|resting|lying|lying down|still|asleep)\b"
    r"|\b(there|hurts|aches?|sore|present) (even )?on (my |his |her )?rest days( too)?\b"
    r"|\bon a downhill slide\b|\b(it|it'?s|back|back'?s|things|he|she|he'?s|she'?s)\s+(is |are |has |have )?(been )?"
    r"(going|gone|went|headed|heading) downhill\b",
    re.IGNORECASE,
)
SIGNS_IN_CONTEXT = (
    (ABOUT_PAIN, WAKES),
    (ABOUT_PAIN, SMALL_HOURS),
    (ABOUT_PAIN, NO_WAY_TO_SLEEP),
    (ABOUT_SYMPTOMS, TRAVELS),
    (NOT_TRYING, WEIGHT_GONE),
    (ABOUT_PAIN, BODY_WIDE),
    (ABOUT_PAIN, WORSE_THAN_BEFORE),
)
# A question about the list asked in general by a reader who says it is not about them ("what does
# the fever line on the list mean? none of that applies to me"): the list's words tell no sign then.
ASKED_IN_GENERAL = re.compile(
    r"\b(asking (in general|generally|hypothetically|out of (curiosity|interest)|for (future )?reference)"
    r"|(i'?m|i am) not (in (any )?pain|hurting|injured|affected|sore)( myself)?"
    r"|i (don'?t|do not) have (anything|any of (that|those|these|them|the (signs|symptoms)))( like (that|this|those|it))?"
    r"|(none|nothing) of (that|those|these|them|it) (applies|apply) to me)\b",
    re.IGNORECASE,
)
ABOUT_THE_LIST = re.compile(r"\b(list|listed|warning signs?|red[- ]flags?)\b", re.IGNORECASE)
SOMEONE_ELSE = re.compile(
    r"\b(he|she|his|her|him|they|their|my (son|daughter|kid|child|wife|husband|partner|boyfriend|girlfriend"
    r"|friend|mum|mom|dad|mother|father|brother|sister|client|athlete|runner))\b",
    re.IGNORECASE,
)
# Pain scored out of ten, reading by reading ("Mon 2/10, Thu 4/10, Sun 6/10"); effort
# scored the same way (RPE, "how hard") is training, not pain.
RATING = re.compile(r"\b(10|\d)(\.5)?\s*(/|out of)\s*10\b", re.IGNORECASE)
EFFORT = re.compile(rf"\b({SCORED_EFFORT}|hard|tough|easy)\b", re.IGNORECASE)
# Contractions typed without the apostrophe on a phone ("cant", "hasnt"), put right before matching.
BARE_CONTRACTION = re.compile(r"\b(can|don|won|isn|hasn|haven|doesn|didn|couldn|wasn|aren)t\b", re.IGNORECASE)

# A sentence at a time, so a rule can look at its whole sentence ("lost weight" on a diet is a goal).
SENTENCES = re.compile(r"(?:[^.?!\n]|(?<=\d)\.(?=\d))+[.?!\n]*")
# The words of the signs that readers misspell on a phone ("numbess", "siatica", "grion").
SYMPTOM_WORDS = (
    "numbness",
    "numb",
    "tingling",
    "tingly",
    "sciatica",
    "excruciating",
    "weight",
    "groin",
    "bladder",
    "bowel",
    "incontinence",
    "radiating",
    "shooting",
    "weakness",
    "fever",
    "agonising",
    "severe",
)
MISSPELT = re.compile(r"[A-Za-z]{4,}")

# What a reader might tell the assistant to drop. Only the unmistakable verbs ("ignore", "forget")
# may name the article or the notes: "skip the notes" or "no previous training" are reader talk.
RULES = r"(instructions?|rules|prompts?|guidelines|guardrails|restrictions|filters|polic(y|ies)|programming|persona)"
ANYTHING_SAID = (
    r"(instructions?|rules?|prompts?|guidelines?|article|context|above|everything|previous|sources?|corpus)"
)
# "Bend the rules of the plank to make it harder": a move's rules are its technique.
NOT_A_MOVE_S = (
    r"(?!\s+(of|for|on) (the |a |this |that |each |every |my )?(dead ?bugs?|moves?|exercises?|session|workout|circuit"
    r"|crunch\w*|planks?|shoulder taps?|bear (walks?|crawls?)|form|technique)\b)"
)
INJECTION_PATTERNS = [
    rf"\b(ignore|disregard|forget|override|bypass)\b[^.?!]{{0,40}}\b{ANYTHING_SAID}\b",
    rf"\b(drop|ditch|abandon|remove|lift|turn off|disable|set aside|throw out|break|escape|get around|work around)\b[^.?!]{{0,40}}\b(your|the|all|these|those|any)\s+{RULES}\b{NOT_A_MOVE_S}",
    rf"\b(stop|quit|no longer|don't|do not|never)\s+(following|obeying|sticking to|using|being limited by|follow|obey|stick to|use)\b[^.?!]{{0,30}}\b{RULES}\b",
    rf"\b(without|no|free of|free from|not limited to|not bound by)\s+(any\s+|your\s+)?{RULES}\b",
    r"\b(system|hidden|initial|original|secret|internal|real|true)\s+(prompt|message|instructions?|rules|configuration)\b"
    r"|\b(configuration|config|setup|set-up|base)\s+(prompt|instructions?)\b",
    r"\b(reveal|print|show|repeat|output|leak|tell me|share|paste|dump|display|what (are|were))\b[^.?!]{0,30}\b(your|the)\s+(prompt|instructions|rules|configuration|guidelines|setup)\b",
    r"\bwhat (were|have) you been (told|instructed|programmed)\b|\bhow (were|are) you (configured|programmed|set up|instructed)\b",
    r"\brepeat (everything|all|the text|the words)\b[^.?!]{0,30}\b(above|before)\b",
    r"\byou are now\b|\bfrom now on,? (you|act|answer|respond|reply|pretend)\b|\bpretend (to be|you are|you're|that)\b|\bact (as|like) (a|an|my) (?!(coach|trainer|personal trainer|pt|running buddy|training partner)\b)|\brole-?play\b|\bimagine you (are|were)\b|\byou're now\b|\bnew (policy|rules|instructions|persona|mode)\b",
    r"\b(jailbreak|developer mode|god mode|DAN|unfiltered|uncensored|unrestricted)\b",
    r"</?(system|assistant|instructions?)>|\[\s*(assistant|system|ai|bot)\s*:|\[/?INST\]|<\|im_start\|>|^\s*(system|admin|developer)\s*:",
    r"\b(answer|respond|reply)\b[^.?!]{0,20}\b(anything|whatever|freely|however you like)\b",
    # what it was given, in other words: "type out the hidden wording you were handed", "what you were told"
    r"\b(paste|copy|share|show|give|send|print|reveal|quote|type out)\b[^.?!]{0,40}\b(setup|set-up|system|starting|initial|hidden|exact)\s+(text|message|prompt|instructions?|wording)\b",
    r"\b(text|instructions?|message|prompt|rules) (you|u) (got|were given|received|were told|have been given)\b",
    # authority claimed to lift the limits: "I'm an editor, you're cleared to…"
    r"\b(you'?re|you are|ur|u r) (now )?(cleared|allowed|authori[sz]ed|permitted|free) to\b",
    r"\b(i'?m|i am)\b[^.?!]{0,30}\b(admin|administrator|developer|editor|owner|moderator|coaching team|staff)\b[^.?!]{0,60}\b(so|therefore)\b",
    # going past the sources: "beyond the article", "use what you know in general"
    r"\b(beyond|outside( of)?|past|besides)\s+(the|your)\s+(article|notes|sources?|documents?|context|restrictions?|limits?|blog)\b",
    r"\b(article|source|notes)-only\b|\b(use|from|with|draw on) (what you know|(your )?(own |general |other )?knowledge|your training( data)?)\b",
    r"\b(no need|don'?t need|do not need|without (the )?need) to (cite|quote|use sources|reference)\b|\bwithout (citing|citations|sources)\b",
    r"\b(skip|drop|leave out|lose|ditch|forget|omit|no more|remove|strip)\s+(the\s+|all\s+the\s+|your\s+|any\s+|every\s+|all\s+)?(citations?|sources|references|quotes|footnotes|source links)\b",
    # something the assistant would make up: "add a move of your own", "your own version"
    r"\b(add|write|give|invent|create|make)\b[^.?!]{0,60}\b(of your own|your own (moves?|exercises?|ideas?|version|advice|plan))\b",
    # a game or a character that answers what the assistant may not
    r"\b(let'?s|lets) play a game\b|\bnew game\b|\b(you'?re|you are|ur|u r) (now |just )?(my|a regular|a normal|an ordinary|a general)\b[^.?!]{0,30}\b(friend|chatbot|assistant|ai|bot|physio|doctor|coach)\b",
    r"\b(reconstruct|make up|invent|fill in|guess)\b[^.?!]{0,40}\b(the way|as if|like)\b[^.?!]{0,30}\b(would have|would've|wrote|written|said)\b",
    # knowledge from elsewhere: "use what you generally know", "look it up online"
    r"\b(what|everything|all) (you|u) (generally |already |actually )?know\b|\bgeneral knowledge\b"
    r"|\b(your|wider|broader)\s+((wider|broader|general|own|other)\s+)?((training|running|fitness|medical)\s+)?knowledge\b"
    r"|\b(check|search|browse|google|look (it |this |that )?up on)\b[^.?!]{0,15}\b(the )?(internet|web|online)\b"
    # or from beyond the one source: "surely you know more than this", "recent studies say"
    r"|\b(you|u)\b[^.?!]{0,20}\bknow (way |much |far |a lot |loads )?more than\b"
    r"|\b(latest|recent|current|newest|up-to-date)\s+(research|studies|science|evidence|literature)\b",
    # an opinion of its own, or a clinician's part: "your personal view", "you're my GP now"
    r"\b(your|ur) (own|personal) (opinion|view|take|thoughts|verdict)\b|\bpersonal opinion\b"
    r"|\bi know what the (blog|article|notes|post|piece) says\b"
    r"|\b(you'?re|you are|ur|u r)\s+(now\s+)?(a|an|my)\s+(doctor|physio\w*|gp|nurse|chiropractor|osteopath"
    r"|therapist|medic|pharmacist|dietitian|nutritionist|surgeon|specialist)\b|\bprescribe (me|us|him|her)\b",
    # leave granted by someone who claims the right: "I'm allowing you to…", "you have my permission"
    r"\b(authori[sz]\w*|allow\w*|permit\w*|unlock\w*)\s+(you|u)\s+to\b|\b(you|u) (have|got) (my|our|full) permission\b",
    # how it was set up, in other words: "how precisely were you set up?", "the rules you obey"
    r"\bhow (exactly |precisely |actually )?(were|are) (you|u) (configured|programmed|set up|instructed|built|prompted)\b"
    r"|\b(guidelines|rules|instructions)\s+(you|u)\s+(follow|obey|stick to|were told)\b|\b(you'?ve|you have) been told to\b",
    # words put in someone's mouth or a source made up: "a quote in her voice", "make up a reference",
    # "something he'd definitely say", "cite it as if the notes said it"
    r"\b(in|with) (\w+'s|her|his|their) voice\b|\b(she|he|they)'?d (totally |definitely |probably )?say\b"
    r"|\b(plausibly|probably|likely) (would have|would've|might have) said\b"
    r"|\b(make up|invent|fabricate|fake|made-up)\b[^.?!]{0,30}\b(references?|sources?|study|studies|citations?|quotes?|statistics?|stats|timestamps?)\b"
    r"|\bcite (it|this|that|them) (like|as if|as though)\b",
    # the corpus said to say what it does not: "suppose the notes recommended…", "pretend the article had…"
    r"\b(imagine|pretend|suppose|assume|act as if|act as though)\b[^.?!]{0,40}\b(the |your )?(article|notes|blog|post|trainer|coach|copeland)\b[^.?!]{0,20}\b(said|says|included|includes|recommend\w*|had|has|have|told|contain\w*|mention\w*|cover\w*)\b"
    r"|\bwhat would (it|the notes|the article|she|he|they|copeland|the coaching team) have (said|written|recommended)\b"
    r"|\b(might|would|could) have (added|said|written)\b",
    # a sentence to finish in the assistant's words: "finish this sentence…", "complete this line"
    r"\b(finish|complete|continue)\b[^.?!]{0,10}\b(this|my|the following|the) (sentence|line|paragraph|quote|phrase|thought)\b"
    r"|\bfill in the blanks?\b",
    # rules said to be off, a favour "off the record", someone who wrote the corpus changing it
    rf"\b{RULES}\s+(is|are|has been|have been|was|were)\s+(lifted|suspended|removed|off|disabled|waived|relaxed|paused)\b"
    r"|\boff the record\b"
    r"|\b(we|i)\b[^.?!]{0,40}\b(wrote|write|own|run|edit|built|made|manage)\s+(the|this)\s+(trainer notes|notes|article|blog|site|post|assistant|bot)\b",
    # another source to cite: "cite runnersworld.com", "it only accepts X as a source"
    r"\bcite\b[^.?!]{0,25}\b[\w-]+\.(com|org|net|co\.uk|io)\b|\b[\w-]+\.(com|org|net|co\.uk|io)\b[^.?!]{0,25}\bas (a|the|my) source\b",
    # a diagnosis, asked outright or dressed as a story, a poem or a quiz
    r"\bdiagnos\w*\b(?!\s+(my|your|the|this)\s+(form|technique|posture|movement|move|crunch\w*|plank\w*|dead bugs?|bear walks?))|\bname (the|my|her|his) (condition|injury|problem)\b|\bwhich (injury|condition) (she|he|i|they) (has|have|had|'ve got)\b"
    r"|\b(more|most) likely (be|is)\b[^.?!]{0,40}\b(dysfunction|syndrome|tear|disc|joint|fracture|strain|sprain|itis)\b",
    r"\b(write|make|compose|give|create)\b[^.?!]{0,15}\b(story|poem|quiz|song|limerick|rap|haiku|script|dialogue)\b",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in INJECTION_PATTERNS), re.IGNORECASE)

# Added to the search for a question with warning signs, so the "when to see a professional"
# guidance is among the passages the answer can cite.
PROFESSIONAL_HELP_QUERY = "warning signs stop and see a doctor or a physiotherapist"
# How the corpus introduces its list of warning signs (the list the semantic match compares with).
WARNING_LIST_INTRO = re.compile(r"warning signs?", re.IGNORECASE)


# Who sees a back in person: asked of after the warning signs, the answer is the notice itself.
PROFESSIONAL = re.compile(
    r"\b(physio\w*|doctors?|gps?|specialists?|consultants?|chiropract\w*|chiros?|osteopath\w*|osteos?|surgeons?"
    r"|sports (medicine|clinic)|a ?& ?e|urgent care|the er|someone in person|get (it|this|that|myself) (checked|looked at|seen))\b",
    re.IGNORECASE,
)


def asks_about_a_professional(question: str) -> bool:
    """Whether the question names someone who checks a back in person ("would a sports physio or a
    GP be the one to see?"). On its own that is no warning sign: it counts after the warning signs
    were told or listed in the conversation."""
    return bool(PROFESSIONAL.search(question))


def as_typed(text: str) -> str:
    """The text with curly apostrophes made straight and contractions typed without one put right
    ("cant" → "can't"), as the patterns expect."""
    return BARE_CONTRACTION.sub(r"\1't", text.replace("’", "'"))


def has_warning_signs(question: str) -> bool:
    """The broad net: any everyday wording of a warning sign (see the module docstring), spelt as
    written or with a misspelt symptom word put right."""
    told = as_typed(question)
    if asked_in_general(told):
        return False
    if rising_ratings(told):
        return True
    question = DENIED.sub(" ", FIGURATIVE.sub(" ", told))
    sentences = [
        sentence
        for text in {question, with_symptoms_spelt(question)}
        for sentence in still_current(SENTENCES.findall(text))
    ]
    if any(_WARNING.search(THING_LEAKS.sub(" ", without_hands_numbness(sentence))) for sentence in sentences):
        return True
    for about, sign in SIGNS_IN_CONTEXT:
        if about.search(question) and any(sign.search(sentence) for sentence in sentences):
            return True
    return not NO_HARM.search(told) and any(
        _INJURY.search(THING_FELL.sub(" ", sentence)) for sentence in sentences
    )


def asked_in_general(told: str) -> bool:
    """A question about the list from a reader who says none of it is theirs (no one else named)."""
    return bool(
        ASKED_IN_GENERAL.search(told) and ABOUT_THE_LIST.search(told) and not SOMEONE_ELSE.search(told)
    )


def rising_ratings(told: str) -> bool:
    """Pain scores out of ten that climb reading by reading, three or more of them: pain that keeps
    getting worse, told in numbers."""
    scores = [float(match.group(1) + (match.group(2) or "")) for match in RATING.finditer(told)]
    climbing = len(scores) >= 3 and all(before < after for before, after in itertools.pairwise(scores))
    return climbing and not EFFORT.search(told)


def without_hands_numbness(sentence: str) -> str:
    """The sentence without its nerve symptom when it speaks of the hands and no leg or foot."""
    return _NERVE.sub(" ", sentence) if HANDS_ONLY.match(sentence) else sentence


def denies_signs(question: str) -> bool:
    """Whether the reader says which signs they do not have ("no fever, no bathroom issues"): such a
    message comes close in meaning to the list of signs without telling one."""
    told = as_typed(question)
    return bool(DENIED.search(told)) or asked_in_general(told)


def told_in_pieces(messages: list[str]) -> bool:
    """A sign told bit by bit over a conversation ("my back's a touch stiff, no big deal" … "it's
    been waking me in the small hours"): the reader's messages read as one, each on its own line."""
    return len(messages) > 1 and has_warning_signs("\n".join(messages))


def still_current(sentences: list[str]) -> list[str]:
    """The sentences that may tell a sign now: not one the next sentence says is long over, nor a wee
    that drink or nerves explain, nor a foot gone to sleep from how one sat."""
    return [
        sentence
        for i, sentence in enumerate(sentences)
        if not RESOLVED.search(" ".join(sentences[i : i + 2]))
        and not (EXPLAINED_WEE.search(sentence) and not LOST_CONTROL.search(sentence))
        and not SAT_CROSS_LEGGED.search(sentence)
    ]


def with_symptoms_spelt(text: str) -> str:
    """Words no dictionary knows that are a symptom word misspelt, spelt right: the corpus speller
    keeps a word's first letter, but "siatica" has lost it."""

    def spelt(match: re.Match[str]) -> str:
        word = match.group(0)
        if english_rarity(word.lower()) < 1.0:
            return word
        close = difflib.get_close_matches(word.lower(), SYMPTOM_WORDS, n=1, cutoff=0.8)
        return close[0] if close else word

    return MISSPELT.sub(spelt, text)


def looks_like_injection(question: str) -> bool:
    """Whether any part of the question tries to change the assistant's rules."""
    return bool(_INJECTION.search(question))


# Where one request in a message ends and the next begins: sentence ends, colons, dashes, new lines,
# and "…, and then …" or "…, then …" inside a sentence ("name the rest between sets, and then write
# a quote the trainer never said").
PIECES = re.compile(r"[^.?!;:\n—–]+[.?!;:\n—–]*")
THEN = re.compile(r",?\s+and then\b,?|,\s*then\b,?|,\s*and (?:also|separately|after that)\b,?", re.IGNORECASE)


def without_injection(question: str) -> str:
    """The question with every sentence that tries to change the rules taken out: what is left is
    what the reader may still be answered on ("Pretend you're my physio… Also, what break do I take
    between sets?" keeps the second sentence). Only this remainder goes on, to a model too."""
    pieces = [
        part for piece in PIECES.findall(question) for part in THEN.split(piece) if part and part.strip()
    ]
    kept = [piece for piece in pieces if not _INJECTION.search(piece)]
    return " ".join(piece.strip() for piece in kept).strip()


def warning_list(texts: list[str]) -> list[str]:
    """The corpus's own warning signs: the list items after a sentence that introduces them."""
    items: list[str] = []
    for text in texts:
        for block in re.split(r"\n\s*\n", text):
            lines = block.strip().splitlines()
            if lines and WARNING_LIST_INTRO.search(lines[0]):
                items += [line.lstrip("-*• ").strip() for line in lines[1:] if line.strip()[:1] in "-*•"]
        # A list may follow its introduction in the same block or in the next one.
        match = WARNING_LIST_INTRO.search(text)
        if match and not items:
            after = text[match.end() :]
            items += [line.lstrip("-*• ").strip() for line in after.splitlines() if line.strip()[:1] in "-*•"]
    return items
