"""Conversation guides: questions a team can talk through after reading its results.

One guide per family of scales (an instrument's scale names its guide in the field
`conversation_guide`, checked against `GUIDES`). The guides are echoorg's own words,
written for ECHO's aims: they ask a team about how it works together and how the
organisation treats it, never about a named person. Pure data; no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUND_RULES = (
    "Talk about how the team works and how the organisation treats it, not about any one "
    "person. Nobody is asked how they answered the survey, and nobody should guess.",
    "The figures describe a group and are approximate. Use them to start a conversation, "
    "not to settle one.",
    "Anyone may pass on a question. If something serious comes up (a risk to the people "
    "you serve, or to a colleague), it goes to the speak-up route, not into the notes.",
    "Agree at the end on one small thing the team will try, and when you will look at it again.",
)


@dataclass(frozen=True)
class ConversationGuide:
    id: str
    title: str
    about: str  # one sentence: what the family of scales is about
    questions: tuple[str, ...]
    next_step: str  # one small step the team could agree


GUIDES: dict[str, ConversationGuide] = {
    guide.id: guide
    for guide in (
        ConversationGuide(
            "threat",
            "Fear, blame and watching one's back",
            "How much of the team's energy goes into protecting itself rather than into the work.",
            (
                "When something goes wrong here, what happens in the first hour? Who gets "
                "asked what?",
                "What bad news have we held back, or softened, in the last few months? What "
                "made that feel necessary?",
                "Which parts of the work feel like they are done mostly to cover ourselves?",
                "Where does pressure on us come from, and how much of it do we pass on to "
                "each other?",
                "What would a senior manager need to do for us to tell them about a problem early?",
            ),
            "Pick one recent mistake or near miss and talk it through as a learning story, "
            "without looking for someone to blame.",
        ),
        ConversationGuide(
            "drive",
            "What the team strives for",
            "Whether the team's energy goes into goals that matter to the people it serves, "
            "or narrows to hitting the numbers.",
            (
                "Which of our goals would the people we serve recognise as theirs?",
                "Which targets do we chase even when we doubt they help anyone?",
                "When did we last change how we work because we found a better way? What "
                "let that happen?",
                "What would we stop doing if nobody counted it?",
                "Who among us has a skill the team does not yet use?",
            ),
            "Name one measure the team reports and say, in one sentence, how it helps the "
            "people you serve; if nobody can, raise it with whoever asks for it.",
        ),
        ConversationGuide(
            "soothing",
            "Care and feeling safe with each other",
            "Whether people in the team notice distress, their own and that of the people "
            "they serve, and have room to respond to it.",
            (
                "When one of us has a hard day, how would the rest of the team know?",
                "Where, and when, can we talk about the emotional weight of the work?",
                "Whose suffering is easiest for us to overlook: colleagues, the people we "
                "serve, or ourselves?",
                "What gets in the way of looking after each other: time, habit, or fear of "
                "seeming weak?",
                "What did someone do for you here that helped, and could it become usual?",
            ),
            "Agree one regular, protected moment (ten minutes is enough) to check in on how "
            "people are after difficult work.",
        ),
        ConversationGuide(
            "voice",
            "Speaking up and psychological safety",
            "Whether people can ask, disagree, admit mistakes and raise concerns without "
            "fearing what happens next, and whether they see concerns acted on.",
            (
                "Think of a concern someone raised here. What happened to it, and did the "
                "person hear back?",
                "What kinds of question feel risky to ask in our meetings? Why those?",
                "When did someone here disagree with the most senior person in the room? "
                "How did it go?",
                "Who in the team speaks least, and what would make it easier for them?",
                "Do we all know the speak-up routes, including the ones outside the organisation?",
            ),
            "Agree how the team will tell people what came of a concern they raised, even "
            "when the answer is 'not yet'.",
        ),
        ConversationGuide(
            "leadership",
            "Leadership: compassion and hubris",
            "How leaders attend to, understand, feel for and help staff, and whether senior "
            "leadership hears challenge or brushes it aside.",
            (
                "When you take a problem to your manager, what helps you feel heard?",
                "What practical barrier would we most like a leader to remove?",
                "When staff criticise a decision here, what usually happens next?",
                "When did a senior leader last say they had got something wrong? What "
                "changed afterwards?",
                "For leaders: where might staff see your behaviour differently from how you "
                "see it, and how could you find out?",
            ),
            "Leaders choose one decision to explain to the team, with the reasons and the "
            "doubts, and ask what they missed.",
        ),
        ConversationGuide(
            "harm",
            "Moral distress and control",
            "Whether the way the organisation works stops people doing what they believe is "
            "right, or treats staff through isolation, surveillance, humiliation or threat.",
            (
                "When were you stopped from doing what you believed was right for someone "
                "you serve? What stopped you?",
                "Which rules or checks feel out of proportion to the work? Who could change them?",
                "Have people here been kept out of the loop, or had leave or hours used "
                "against them, after upsetting someone? How would we know?",
                "How are people spoken to when they fall short? Would we speak to the people "
                "we serve that way?",
                "Where can someone take a worry about how they are treated, and is that "
                "route safe?",
            ),
            "Write down one rule or practice that puts people in a moral bind and take it, "
            "with an example, to the person who owns it.",
        ),
    )
}
