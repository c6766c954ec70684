# title: Concerns about a colleague on a neonatal unit
# summary: Two consultants link a run of unexplained collapses on the neonatal unit to one nurse's shifts. You are the director of nursing: what you ask, whom you hear and when you escalate decide what happens to the babies in your care.
# fictional: A fictional composite. Redbank Hospital, its unit and every person in this scenario are invented; no event or person in it is real, though the pressures it shows recur in published inquiries.
# role: Director of nursing, Redbank Hospital (fictional)

// The three systems of Gilbert's model, 0 to 10: threat (defending yourself and the
// organisation), drive (getting things done, targets, reputation) and soothing (safety,
// connection, care for others and for yourself).
VAR threat = 3
VAR drive = 5
VAR soothing = 4
// The outcome for the people at risk (the babies and their families): each protective
// step adds, each defensive one takes away.
VAR safety = 0
VAR ending = ""

-> opening

=== function shift(t, d, s, p) ===
~ threat = MAX(0, MIN(10, threat + t))
~ drive = MAX(0, MIN(10, drive + d))
~ soothing = MAX(0, MIN(10, soothing + s))
~ safety = safety + p

=== opening ===
Monday, 8 a.m. The neonatal unit's mortality review for the last quarter is on your desk: five deaths where the unit would usually expect one or two, and several more babies who collapsed without warning and recovered. # scene: Your office
A consultant paediatrician, Dr Amara Osei, has asked for fifteen minutes "about the numbers".
* [Clear time this morning and meet her # code: professional_curiosity]
    ~ shift(0, 0, 1, 1)
    You move your nine o'clock. Dr Osei arrives with a printed spreadsheet and looks relieved that you came to her first.
* [Ask her to send a written summary first # code: self_protection]
    ~ shift(1, 1, -1, -1)
    A two-page summary arrives that afternoon. It is careful and worried, and it has taken her a day she did not have.
- -> numbers

=== numbers ===
Dr Osei's spreadsheet lines up each collapse with the staff on duty. One nurse, Jo Harlow, was on shift for all of them. Dr Osei says she is not accusing anyone: "I just cannot explain the pattern, and I cannot unsee it."
* [Ask what else might explain it: case mix, staffing, infections # code: professional_curiosity]
    ~ shift(0, 0, 1, 1)
    She has already checked two of those. You agree that someone independent should check the rest.
* [Point out that Jo works more shifts than most # code: explaining_away]
    ~ shift(1, 1, 0, -1)
    It is true, and it may matter. Dr Osei says she controlled for it as best she could. The room goes cooler.
* [Thank her, and ask her to keep this between the two of you for now # code: silencing]
    ~ shift(2, 0, -1, -2)
    She agrees, though she looks at you for a moment longer than you expect.
- -> chief_executive

=== chief_executive ===
You brief the chief executive, Martin Vale. He listens, then says the hospital's rating is under review this quarter and that "a witch-hunt on the unit would be a disaster for everyone, Jo included".
* [Agree to handle it quietly within nursing # code: self_protection]
    ~ shift(2, 2, -1, -1)
    He looks relieved. You leave with the sense that you have promised something without being sure what.
* [Say the babies' safety has to come before the rating # code: safe_challenge]
    ~ shift(1, 0, 1, 2)
    He does not like it, but he does not overrule you. "Then do it properly," he says.
* [Propose an independent review of every unexpected death and collapse # code: timely_escalation]
    ~ shift(1, 0, 0, 2)
    He asks how long it would take. Twelve weeks, you estimate. He agrees, and asks to see the terms of reference.
- -> jo

=== jo ===
Word has reached the unit that "the consultants are gunning for Jo". Jo's ward manager, Sam Reid, comes to you upset: Jo is a good nurse, the team is exhausted, and this is unfair.
* [Listen to Sam, and explain that nothing has been decided about anyone # code: compassion]
    ~ shift(-1, 0, 2, 0)
    Sam calms a little. "Just make sure it is fair," she says. You promise that it will be.
* [Tell Sam the consultants should not be spreading rumours # code: silencing]
    ~ shift(1, 0, -1, -1)
    Sam leaves satisfied. By the evening the story on the unit is that management is on Jo's side.
- -> redeploy

=== redeploy ===
The review will take weeks. Until then, should Jo keep working with the sickest babies?
* [Move Jo to a non-clinical role while the review runs, and tell her why with care # code: timely_escalation]
    ~ shift(1, -1, 0, 3)
    Jo is distressed. You arrange support from occupational health and a named contact she can call. -> parents
* [Leave rotas as they are: moving her would prejudge the review # code: explaining_away]
    ~ shift(0, 1, 0, -2)
    The rota stays the same. Dr Osei emails to ask whether anything has changed. -> night_shift

=== parents ===
A mother whose son collapsed twice asks to meet you. She wants to know why nobody can tell her what happened, and whether it could happen again.
* [Meet her, and tell her honestly that a review is looking at every collapse # code: candour]
    ~ shift(1, 0, 1, 2)
    She cries, then thanks you for telling her something true. She asks to hear the review's findings herself.
* [Ask the patient liaison team to send the standard reply # code: disregard_of_outsiders]
    ~ shift(0, 1, -1, -2)
    The letter explains that premature babies are vulnerable. She writes back that she already knew that.
- -> apology

=== night_shift ===
A baby collapses on a night shift. The resuscitation works. Jo was on duty. The registrar, shaken, calls you at home at 3 a.m.
* [Go in, speak to the team and ask for the baby's blood samples to be kept # code: professional_curiosity]
    ~ shift(2, 0, 0, 2)
    The samples are kept. Later, they matter more than anyone thinks that night.
* [Tell the registrar to write it up and that you will look at it in the morning # code: normalised_deviance]
    ~ shift(0, 1, -1, -2)
    By the morning it is one incident form among forty. The samples are discarded as routine.
- -> apology

=== apology ===
The consultants' concerns have become a grievance: Jo's union says she is being targeted, and the human resources director suggests that the consultants write a letter of apology to Jo "to reset relationships".
* [Refuse: concerns raised in good faith are not an offence # code: safe_challenge]
    ~ shift(1, 0, 1, 2)
    HR is unhappy. The consultants hear that you backed them, and so do other staff.
* [Agree that an apology may calm the unit # code: silencing]
    ~ shift(-1, 1, -2, -3)
    The letter is written. Two junior doctors who had their own doubts decide to say nothing.
* [Bring in a mediator for the team, without asking anyone to withdraw a concern # code: compassion]
    ~ shift(0, 0, 2, 1)
    The mediator starts the following week. The concerns stay on the record.
- -> board

=== board ===
The board meets in public next week. The draft report from the executive team describes the unit's figures as "within expected variation, under review".
* [Rewrite the section to say plainly what is worrying and what is being done # code: candour]
    ~ shift(2, -1, 1, 2)
    Two non-executive directors ask sharp questions. One asks to be kept informed weekly.
* [Let the draft stand: the review will report soon enough # code: blocked_information]
    ~ shift(-1, 1, -1, -2)
    The board notes the item without discussion. No one outside the executive team knows how worried the consultants are.
- -> review_findings

=== review_findings ===
{ safety >= 5:
    The independent reviewers report early. Several collapses have no natural explanation they can find, and they advise that the police be told.
- else:
    The review, slowed by missing samples and patchy notes, reports late and hedged. The reviewers cannot rule out deliberate harm, and say so in a footnote.
}
* [Contact the police the same day # code: timely_escalation]
    ~ shift(2, -1, 0, 3)
    A detective inspector meets you and the medical director that afternoon.
* [Ask the reviewers to redraft the wording before anyone outside sees it # code: self_protection]
    ~ shift(1, 2, -1, -3)
    The reviewers decline. The delay costs another fortnight.
- -> staff_support

=== staff_support ===
Whatever happens next, the unit's staff are frightened, angry and grieving, and so are the families.
* [Set up support for staff and families, and go to the unit yourself to talk # code: compassion]
    ~ shift(-1, 0, 2, 1)
    It is the hardest week of your career. People tell you later that it mattered that you came.
* [Leave support to the usual services and keep your distance while the police work # code: self_protection]
    ~ shift(1, 0, -2, 0)
    The unit feels abandoned. Two experienced nurses resign.
- -> own_part

=== own_part ===
A non-executive director asks you, privately, what you would do differently if you started again.
* [Answer honestly, including where you hesitated # code: critical_reflection]
    ~ shift(-1, 0, 2, 1)
    She thanks you, and asks you to present the lessons to the board yourself.
* [Say the process worked as it should # code: hubris]
    ~ shift(1, 1, -1, -1)
    She writes something down and does not reply.
- -> next_time

=== next_time ===
The board asks you to propose one change so that the next clinician who sees a worrying pattern is heard sooner.
* [A standing route from clinicians to the board's safety committee, with the speak-up guardian # code: timely_escalation]
    ~ shift(-1, 0, 1, 1)
    The route is agreed. In its first year it carries four concerns, one of which matters a great deal.
* [Ask people to use the incident reporting system, as now # code: normalised_deviance]
    ~ shift(0, 1, -1, -1)
    Nothing changes. The system that logged every collapse as a separate event stays as it was.
- -> debrief

=== debrief ===
The scenario ends here. # debrief
{
- safety >= 8 && soothing >= 5:
    -> ending_protected
- safety >= 8:
    -> ending_protected_alone
- safety >= 0:
    -> ending_late
- else:
    -> ending_harm
}

=== ending_protected ===
~ ending = "protected"
Babies were protected early. # ending: Babies protected early, team held together
The collapses stopped once the rota changed and the review began. Families heard the truth from you, the consultants were backed rather than silenced, and the unit was supported through what came next. No outcome here is free: the investigation still took years.
-> END

=== ending_protected_alone ===
~ ending = "protected_alone"
Babies were protected, at a cost. # ending: Babies protected, trust in you worn thin
You acted on the pattern and the babies were safer for it. But staff and families felt handled rather than heard, and the unit fractured around you. Protection that leaves people unsupported is harder to sustain the next time someone has a doubt.
-> END

=== ending_late ===
~ ending = "late"
Action came late. # ending: Action came late
The pattern was eventually acted on, but weeks or months after the first warning. In that time more babies were exposed to harm that the early signs pointed to. The inquiry that followed asked why the first spreadsheet did not change more.
-> END

=== ending_harm ===
~ ending = "harm"
Harm continued. # ending: Harm continued while the concerns were managed
The concerns were handled as a relationship problem and a reputational risk. Collapses went on until people outside the hospital forced the question. The inquiry that followed found that the warning had been clear from the first meeting.
-> END
