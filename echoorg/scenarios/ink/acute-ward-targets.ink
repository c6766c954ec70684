# title: Targets against care on an acute ward
# summary: The trust is chasing a four-hour waiting target and a savings plan while families complain about basic care on an acute medical ward. You are the divisional general manager: what you count, whom you believe and what you tell the board decide what happens to the patients on the ward.
# fictional: A fictional composite. Westmoor Hospital, Ward 9 and every person in this scenario are invented; no event or person in it is real, though the pressures it shows recur in published inquiries.
# role: Divisional general manager for medicine, Westmoor Hospital (fictional)

// The three systems of Gilbert's model, 0 to 10: threat, drive and soothing.
VAR threat = 3
VAR drive = 6
VAR soothing = 3
// The outcome for the people at risk (the patients on Ward 9 and their families).
VAR safety = 0
VAR ending = ""

-> opening

=== function shift(t, d, s, p) ===
~ threat = MAX(0, MIN(10, threat + t))
~ drive = MAX(0, MIN(10, drive + d))
~ soothing = MAX(0, MIN(10, soothing + s))
~ safety = safety + p

=== opening ===
Your division missed the four-hour emergency target again last month. The chief operating officer wants a recovery plan by Friday, and the savings programme asks medicine for eleven nursing posts. # scene: The operations meeting
* [Ask what the eleven posts mean for care on the wards before agreeing # code: professional_curiosity]
    ~ shift(1, -1, 1, 1)
    The finance lead says the posts are vacant anyway. The ward sisters say the vacancies are why they are struggling.
* [Agree the savings: every division has to play its part # code: managerialism_targets]
    ~ shift(0, 2, -1, -1)
    The chief operating officer nods. The posts come off the establishment the same afternoon.
- -> letters

=== letters ===
Your assistant has put three complaint letters about Ward 9 on top of the pile: a man left in a soiled bed for hours, a woman whose water jug was out of reach for a day, a family told to "stop fussing".
* [Read them yourself tonight, and ring one family # code: listening_to_service_users]
    ~ shift(0, 0, 1, 2)
    The daughter you ring talks for forty minutes. Her father died on the ward last week.
* [Send them to the complaints team for the usual response # code: disregard_of_outsiders]
    ~ shift(0, 1, -1, -1)
    The letters join a queue that is eight weeks long.
- -> sister

=== sister ===
Ward 9's sister, Grace Adeyemi, asks to see you. She has filed thirty incident forms about staffing in two months. "We are not giving people water. I am not exaggerating."
* [Walk the ward with her, now # code: professional_curiosity]
    ~ shift(1, -1, 1, 2)
    You see call bells ringing unanswered and a nurse with eleven patients. Grace does not need to say anything.
* [Ask her to put it in writing for the next staffing review # code: normalised_deviance]
    ~ shift(0, 1, -1, -1)
    She says she already has, thirty times. She leaves without arguing.
* [Remind her that every ward is short and ask for her ideas # code: explaining_away]
    ~ shift(1, 1, 0, -1)
    Her ideas all cost money. You both know it.
- -> bed_moves

=== bed_moves ===
To meet the target, the bed managers want to move patients out of the emergency department onto Ward 9 at night, into any bed that is free, including the extra beds in the bays.
* [Refuse the extra beds until staffing is safe # code: safe_challenge]
    ~ shift(2, -2, 0, 2)
    The target is breached twice that week. The chief operating officer calls you into her office. -> coo
* [Allow it: patients waiting in corridors are at risk too # code: managerialism_targets]
    ~ shift(0, 2, -1, -1)
    That is true, and it is the argument everyone uses. Ward 9 takes six more patients a night. -> night_visit

=== coo ===
The chief operating officer, Helen Marsh, is calm and cold. "The board is bidding for foundation status this year. I need managers who can deliver."
* [Explain, with the figures, why the ward cannot take more # code: candour]
    ~ shift(1, -1, 1, 2)
    She reads the figures twice. She does not agree, but she asks for them in a paper for the executive.
* [Promise to find a way to meet the target # code: status_pursuit]
    ~ shift(2, 2, -2, -2)
    You leave with your job, and with the problem.
- -> audit

=== night_visit ===
You visit Ward 9 at 2 a.m. unannounced. Two registered nurses and a health care assistant for thirty-four patients. A confused man has pulled out his drip; nobody has had time to notice.
* [Call in bank staff on the spot, whatever the cost # code: compassion]
    ~ shift(1, -1, 1, 2)
    Two bank nurses arrive within the hour. The overspend is on your budget line in the morning.
* [Note it for the morning meeting # code: normalised_deviance]
    ~ shift(0, 0, -1, -1)
    By morning the night is a line in a report. The man's family find him wet and cold at visiting time.
- -> audit

=== audit ===
The quarterly mortality figures arrive. The ward's figures are high. The information team says the coding of patients' illnesses is probably to blame, and offers to "review the coding".
* [Ask for case-note reviews of the deaths as well as the coding # code: professional_curiosity]
    ~ shift(1, 0, 0, 2)
    The reviews take six weeks. A third of the deaths had care that was poor or worse.
* [Agree that the coding is the likeliest explanation # code: explaining_away]
    ~ shift(-1, 1, 0, -2)
    After the recoding, the figures look normal. Nothing on the ward has changed.
- -> families_group

=== families_group ===
The families who complained have started meeting in a café across the road. They ask for a meeting with someone senior.
* [Go yourself, with Grace, and listen # code: listening_to_service_users]
    ~ shift(1, 0, 2, 2)
    It is a hard two hours. You leave with a list of what they saw, which is longer and more exact than any report you have.
* [Send the patient experience lead with a prepared statement # code: disregard_of_outsiders]
    ~ shift(0, 1, -1, -2)
    The families leave angrier. One contacts a journalist.
- -> board_report

=== board_report ===
Your paper for the board is due. The template asks for performance against the target, financial position, and "any exceptions".
* [Put care on Ward 9 at the top of the paper, with the families' words # code: candour]
    ~ shift(2, -1, 1, 2)
    The chair asks for a private briefing. A non-executive director asks to visit the ward.
* [Report the target and the savings; mention staffing pressures in a line # code: blocked_information]
    ~ shift(-1, 2, -1, -2)
    The board congratulates the division on its recovery plan.
- -> regulator

=== regulator ===
A regulator's inspector rings: they have had letters from families and want to inspect Ward 9 next month. Helen Marsh asks you to "make sure the ward is presentable".
* [Tell the inspector plainly what you know about the ward now # code: candour]
    ~ shift(2, -1, 1, 2)
    The inspector thanks you. The inspection goes ahead with your information in front of them.
* [Arrange extra staff only for the inspection week # code: self_protection]
    ~ shift(1, 1, -2, -2)
    The ward looks well staffed for five days. The families notice, and say so to the inspector.
- -> journalist

=== journalist ===
A reporter from the local paper rings your mobile. She has spoken to the families' group and asks whether patients on Ward 9 have been left without water.
* [Say that you have heard the families, that care has fallen short and what is being done # code: candour]
    ~ shift(2, -1, 1, 1)
    The story runs with your words in it. Grace says the staff were glad someone senior said it.
* [Refer her to the press office for a statement about high standards of care # code: self_protection]
    ~ shift(1, 1, -1, -1)
    The statement is printed under the families' account. It reads badly next to it.
- -> staff_voice

=== staff_voice ===
Grace tells you that her nurses are afraid: one was told by a manager that raising incident forms "looks bad for the team".
* [Make it known, in person, that raising concerns is expected and protected # code: safe_challenge]
    ~ shift(0, -1, 2, 1)
    You say it at the ward's handover and again in writing. Forms go up the next month, which is what you wanted.
* [Leave it to Grace to sort out with the manager # code: silencing]
    ~ shift(0, 0, -1, -1)
    The forms stop. The problems do not.
- -> reflection

=== reflection ===
Months later a colleague from another trust asks you what the target did to your judgement.
* [Say honestly where the target crowded out what you saw # code: critical_reflection]
    ~ shift(-1, -1, 2, 1)
    Saying it aloud helps. You agree to speak at the regional managers' meeting about it.
* [Say that targets are part of the job and you met yours # code: hubris]
    ~ shift(1, 1, -1, -1)
    Your colleague changes the subject.
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
Patients were protected. # ending: Care came before the target, and people were heard
You put what you saw on the ward ahead of the figures and brought families and staff with you. The target was missed for a season; patients were fed, washed and watched. The board learned of the problem from you, not from the press.
-> END

=== ending_protected_alone ===
~ ending = "protected_alone"
Patients were protected, at a cost. # ending: Care came first, and you carried it alone
Patients on Ward 9 were safer because you fought for them. But the fight was yours alone: staff and families felt told rather than heard, and you were exhausted by the end. A culture that depends on one manager's stamina will slip when that manager leaves.
-> END

=== ending_late ===
~ ending = "late"
Action came late. # ending: Care improved, but late
Things on Ward 9 got better in the end, but only after months in which patients went without basic care. When the regulator's report came, it said that the signs had been in the complaints and the incident forms all along.
-> END

=== ending_harm ===
~ ending = "harm"
Harm continued. # ending: The target was met; patients paid for it
The division met its target and its savings. On Ward 9, people went thirsty, lay in soiled beds and died without dignity. The public inquiry that followed asked how a board could have known so little about what its own wards were like.
-> END
