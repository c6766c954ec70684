# title: An outsourced placement for a child in care
# summary: A fifteen-year-old in the council's care lives in a privately run home two hundred miles away. Her social worker is uneasy, the provider is reassuring, and the budget is overspent. You are the head of children's services: what you ask, whom you believe and what you pay for decide what happens to her.
# fictional: A fictional composite. Ashford County Council, the provider, Kayla and every person in this scenario are invented; no event or person in it is real, though the pressures it shows recur in published reviews.
# role: Head of children's services, Ashford County Council (fictional)

// The three systems of Gilbert's model, 0 to 10: threat, drive and soothing.
VAR threat = 3
VAR drive = 5
VAR soothing = 3
// The outcome for the person at risk (Kayla).
VAR safety = 0
VAR ending = ""

-> opening

=== function shift(t, d, s, p) ===
~ threat = MAX(0, MIN(10, threat + t))
~ drive = MAX(0, MIN(10, drive + d))
~ soothing = MAX(0, MIN(10, soothing + s))
~ safety = safety + p

=== opening ===
Kayla, fifteen, has lived for three months in a children's home run by a private company, Brightpath Care, two hundred miles from Ashford. It costs the council nine thousand pounds a week. Her social worker, Priya Nair, has asked for a meeting. # scene: Your office at County Hall
* [See Priya today # code: professional_curiosity]
    ~ shift(0, 0, 1, 1)
    Priya has brought her notes from her last visit and a list of dates.
* [Ask Priya's team manager to handle it # code: weak_oversight]
    ~ shift(0, 1, -1, -1)
    The team manager has forty cases. The meeting is booked for three weeks' time.
- -> missing

=== missing ===
Kayla has been reported missing from the home six times in five weeks, each time returning in the early hours. The home's reports describe her as "choosing to go out with friends".
* [Ask who the "friends" are, and where she goes # code: professional_curiosity]
    ~ shift(1, 0, 0, 2)
    Nobody knows. Priya has noticed that a car picks Kayla up from the end of the road.
* [Accept the home's account: teenagers go out # code: explaining_away]
    ~ shift(0, 0, 0, -2)
    The word "choosing" goes into your notes as well.
- -> kayla

=== kayla ===
Priya says Kayla has asked to speak to "someone in charge", but only by video, and only if the home's staff are not in the room.
* [Arrange the call, with Priya, and make sure Kayla is alone # code: listening_to_service_users]
    ~ shift(0, -1, 2, 2)
    Kayla is guarded, then angry. She says nobody listens to her and that she wants to come home.
* [Ask Priya to pass on a message instead; the diary is full # code: disregard_of_outsiders]
    ~ shift(0, 1, -1, -2)
    Kayla hears that you are busy. She stops asking.
- -> provider

=== provider ===
Brightpath's regional manager, Neil Carter, rings you. He says Kayla is "settling well", that the home is fully staffed and that moving her would be "very disruptive".
* [Ask for the home's staffing rotas and its records of every missing episode # code: professional_curiosity]
    ~ shift(1, 0, 0, 2)
    The rotas show agency staff on most nights. Two missing episodes were never reported to the police.
* [Thank him for the reassurance # code: outsourcing_fragmentation]
    ~ shift(-1, 1, 0, -2)
    He promises a monthly update. The first never arrives.
- -> local_police

=== local_police ===
The police in the town where the home is send you a note: they suspect that men in the area are exploiting children from several out-of-area homes.
* [Convene a strategy meeting with the police and the local council this week # code: timely_escalation]
    ~ shift(2, -1, 0, 3)
    Three agencies that had never spoken about Kayla are in one room by Thursday. -> strategy
* [File the note: she is not living in Ashford, so it is their matter # code: outsourcing_fragmentation]
    ~ shift(-1, 1, -1, -3)
    The local council assumes Ashford is acting. Ashford assumes the local council is. -> budget

=== strategy ===
The strategy meeting agrees that Kayla is at high risk. The police ask whether Ashford can move her somewhere safer, quickly.
* [Find a placement closer to home, whatever it costs # code: compassion]
    ~ shift(1, -2, 1, 2)
    There is one: a small home forty minutes from Ashford. It is more expensive still.
* [Ask Brightpath to increase supervision at the current home # code: explaining_away]
    ~ shift(0, 1, 0, -1)
    Brightpath promise one-to-one staffing. Nobody checks how that will work at night.
- -> finance

=== budget ===
The finance director tells you the placements budget is overspent by two million pounds. Every move has to go to a panel.
* [Put Kayla's case to the panel yourself, as urgent # code: safe_challenge]
    ~ shift(1, -1, 0, 2)
    The panel agrees to look at cheaper and closer options at its next sitting.
* [Leave Kayla where she is; her placement is stable on paper # code: resource_strain]
    ~ shift(0, 2, -1, -2)
    The spreadsheet shows one fewer pressure.
- -> finance

=== finance ===
The finance director asks why Ashford pays Brightpath so much for a home that keeps losing a child. The framework contract was signed by your predecessor.
* [Review every child Ashford has placed with Brightpath # code: professional_curiosity]
    ~ shift(1, 0, 0, 2)
    Four other children. Two have similar patterns of going missing.
* [Say the contract is the commissioners' business # code: marketisation]
    ~ shift(0, 1, -1, -1)
    The commissioners assume the social workers would have said something.
- -> midnight

=== midnight ===
Kayla rings Priya at midnight from a phone that is not hers. She is frightened and will not say where she is. Priya calls you at home.
* [Authorise the police to be called and an emergency move, tonight # code: timely_escalation]
    ~ shift(2, -1, 1, 3)
    The police find Kayla at 3 a.m. She is taken to an emergency foster placement, furious and safe.
* [Ask Priya to ring the home and let the staff there deal with it # code: weak_oversight]
    ~ shift(0, 0, -1, -2)
    The home's night worker says Kayla will be back by morning. She comes back at noon, and will not speak.
- -> independent_reviewing

=== independent_reviewing ===
Kayla's independent reviewing officer writes to you formally: her care plan has not been reviewed on time, and her wishes are not recorded in it.
* [Meet the reviewing officer, and put Kayla's own words in the plan # code: listening_to_service_users]
    ~ shift(0, 0, 1, 2)
    The plan now says, in Kayla's words, that she feels unsafe at night.
* [Reply that the team is doing its best under pressure # code: self_protection]
    ~ shift(1, 0, -1, -1)
    The letter is filed. The reviewing officer escalates it to the director.
- -> inspection

=== inspection ===
The regulator has rated Brightpath's home "good" at its last inspection, a year ago. Priya says the home she visits does not look like the one in that report.
* [Tell the regulator what Priya has seen, with dates # code: timely_escalation]
    ~ shift(1, 0, 0, 2)
    The regulator brings its next inspection forward.
* [Rely on the rating # code: weak_oversight]
    ~ shift(-1, 1, 0, -2)
    The rating stays on Brightpath's website.
- -> priya

=== priya ===
Priya is exhausted. She has thirty cases and drives four hundred miles each time she visits Kayla. She asks whether anyone else can share the work.
* [Find a second worker and give Priya time to breathe # code: compassion]
    ~ shift(-1, -1, 2, 1)
    It costs you two favours and a reallocated case. Priya says it is the first time she has felt backed.
* [Tell her everybody is stretched # code: resource_strain]
    ~ shift(0, 1, -2, -1)
    Priya goes off sick a month later. Kayla gets her fourth social worker in a year.
- -> lessons

=== lessons ===
The director asks you what Ashford should change about how it places children far from home.
* [Say plainly what went wrong, including your own part # code: critical_reflection]
    ~ shift(-1, 0, 2, 1)
    The director asks you to lead the review of out-of-area placements.
* [Blame the market: there are no placements, so councils take what they get # code: explaining_away]
    ~ shift(1, 1, -1, -1)
    It is partly true. It is also what every council says.
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
Kayla was protected. # ending: Kayla was heard and brought closer to home
You listened to Kayla and to the people who knew her, joined up the agencies and paid for a placement that kept her safe. She still has a hard road, but she is no longer going missing, and she knows who to call.
-> END

=== ending_protected_alone ===
~ ending = "protected_alone"
Kayla was protected, at a cost. # ending: Kayla was protected, and the team paid for it
Kayla was moved to safety because you pushed. But her social worker broke under the load, and Kayla lost the one adult she had begun to trust. Protection that leans on exhausted staff does not last.
-> END

=== ending_late ===
~ ending = "late"
Action came late. # ending: Kayla was moved, but late
Kayla was moved eventually, after the police found her in a flat with older men. The review that followed noted that every warning had been written down by someone, and that nobody had put them together.
-> END

=== ending_harm ===
~ ending = "harm"
Harm continued. # ending: Kayla was not protected
Kayla went on going missing until she stopped coming back. A safeguarding practice review later found that the council, the provider and the regulator had each assumed someone else was watching.
-> END
