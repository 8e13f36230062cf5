"""Denials of a figure stated in the same sentence (sentences written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]


def test_a_claim_the_ministry_denied(extract: Extract) -> None:
    cs = extract(
        "Unions said at least 12 people had died in clinics since the walkout began, "
        "a claim the health ministry denied."
    )
    by_stance = {c.stance: c for c in cs if c.value is not None and c.value.best == 12}
    assert by_stance["asserts"].source.name == "Unions"
    assert by_stance["denies"].source.name == "health ministry"
    assert by_stance["denies"].value == by_stance["asserts"].value


def test_calling_a_death_claim_propaganda_denies_its_figure(extract: Extract) -> None:
    cs = extract(
        "Rebels said they had killed 25 soldiers. On Friday the defence ministry denied that any soldiers "
        'had been killed in the clashes, and called the rebels\' claims of 25 dead "pure propaganda."'
    )
    denial = [c for c in cs if c.stance == "denies"]
    assert len(denial) == 1 and denial[0].value is not None and denial[0].value.best == 25
    assert denial[0].measure == "deaths" and denial[0].source.name == "defence ministry"


def test_calling_for_more_staff_is_a_demand_not_a_count(extract: Extract) -> None:
    cs = extract("The union called for 3,000 more nurses to be hired.")
    assert cs == []


def test_rejecting_a_figure_of_n_denies_that_number_not_the_reason_given(extract: Extract) -> None:
    cs = extract(
        "A landslide buried a mining camp in the hills, and provincial officials said 31 workers had died. "
        "The national mining agency rejected the province's figure of 31 dead, saying only three bodies "
        "had been recovered."
    )
    denial = [c for c in cs if c.stance == "denies"]
    assert len(denial) == 1 and denial[0].value is not None and denial[0].value.best == 31
    asserted = next(c for c in cs if c.stance == "asserts" and c.value is not None and c.value.best == 31)
    assert denial[0].claim_key == asserted.claim_key
    assert denial[0].source.name == "national mining agency"
    assert not any(c.value is not None and c.value.best == 3 for c in cs)


def test_dismissing_an_estimate_denies_the_estimate_not_the_organisers_count(extract: Extract) -> None:
    cs = extract(
        "Organisers said 90,000 people rallied in the square. "
        "The interior ministry dismissed the union estimate of 40,000 as guesswork."
    )
    denial = [c for c in cs if c.stance == "denies"]
    assert len(denial) == 1 and denial[0].value is not None and denial[0].value.best == 40_000
    assert denial[0].source.name == "interior ministry"


def test_a_denied_figure_keeps_its_hedge(extract: Extract) -> None:
    cs = extract(
        "Aid workers said more than 7,500 families had fled the shelling. "
        "An army spokesman rejected the aid workers' figure of more than 7,500 as exaggerated."
    )
    denial = [c for c in cs if c.stance == "denies"]
    assert len(denial) == 1 and denial[0].value is not None
    assert denial[0].value.best == 7_500 and denial[0].value.hedge == "more_than"


def test_denying_a_claim_of_n_dead_is_the_same_claim_as_the_assertion(extract: Extract) -> None:
    cs = extract(
        "Militants said 27 police officers had been killed in the raid. "
        "The interior ministry denied the militants' claim of 27 dead."
    )
    asserted = next(c for c in cs if c.stance == "asserts")
    denial = [c for c in cs if c.stance == "denies"]
    assert len(denial) == 1 and denial[0].claim_key == asserted.claim_key
    assert denial[0].value is not None and denial[0].value.best == 27


def test_a_figure_first_given_inside_its_denial_is_denied(extract: Extract) -> None:
    cs = extract("The junta rejected a toll of 140 dead reported by activists after the shelling.")
    assert [(c.stance, c.measure, c.value.best if c.value else None) for c in cs] == [("denies", "deaths", 140)]
    assert cs[0].source.name == "junta"


def test_calling_a_figure_exaggerated_denies_it(extract: Extract) -> None:
    cs = extract(
        "Monitors said 58 civilians had been killed in the bombing. "
        'The defence ministry called the figure of 58 dead "wildly exaggerated".'
    )
    denial = [c for c in cs if c.stance == "denies"]
    assert len(denial) == 1 and denial[0].value is not None and denial[0].value.best == 58


def test_a_second_verb_of_the_same_speaker_denies_the_other_estimate(extract: Extract) -> None:
    cs = extract(
        "Organisers said 64,000 people marched through the city. The police put the figure at 21,000 "
        "and dismissed the organisers' estimate of 64,000 as fantasy."
    )
    denial = [c for c in cs if c.stance == "denies"]
    assert [(d.source.name, d.value.best if d.value else None) for d in denial] == [("police", 64_000)]


def test_a_figure_said_alongside_a_denial_is_asserted(extract: Extract) -> None:
    cs = extract(
        "The mill's manager, Anil Desai, denied that any gate had been locked and said only 140 workers "
        "were inside the building at the time."
    )
    assert [(c.value.best if c.value else None, c.stance) for c in cs] == [(140, "asserts")]
    cs = extract("The ministry denied the claim and rejected reports that 40 people had died.")
    assert [(c.value.best if c.value else None, c.stance) for c in cs] == [(40, "denies")]


def _stances(cs: list[ClaimObserved]) -> list[tuple[float | None, str, str]]:
    return sorted((c.value.best if c.value else None, c.stance, c.source.name) for c in cs)


def test_calling_a_figure_inflated_denies_it(extract: Extract) -> None:
    first = "Opposition groups said 200 people died in the clashes. "
    for second in ("The government called the figure inflated.", "The government said the figure was exaggerated."):
        assert _stances(extract(first + second)) == [
            (200, "asserts", "Opposition groups"),
            (200, "denies", "government"),
        ]
    assert _stances(extract(first + "The government said the figure was not exaggerated.")) == [
        (200, "asserts", "Opposition groups")
    ]


def test_rejecting_a_figure_with_a_figure_of_ones_own(extract: Extract) -> None:
    cs = extract(
        "Activists said 60 protesters had been arrested. "
        "The interior ministry rejected the figure, saying only 12 people had been detained."
    )
    assert _stances(cs) == [
        (12, "asserts", "interior ministry"),
        (60, "asserts", "Activists"),
        (60, "denies", "interior ministry"),
    ]


def test_a_denied_report_with_its_own_count_is_placed_as_usual(extract: Extract) -> None:
    text = (
        "BISHKEK - A measles outbreak in Kyrgyzstan has infected 3,000 people, the health ministry said. "
        "A spokesperson for the Naryn regional administration rejected media reports of hundreds of "
        "hidden cases in rural districts."
    )
    cs = extract(text)
    denied = [(c.value.best, c.location) for c in cs if c.stance == "denies" and c.value is not None]
    assert denied == [(300, "Naryn")]


def test_the_police_estimate_is_the_figure_of_the_police_named_by_acronym(extract: Extract) -> None:
    text = (
        "SANTIAGO - The Carabineros de Chile police (CCP) estimated the crowd at about 20,000, while "
        "the student federation said 150,000 people had marched through Santiago.\n\n"
        "The federation rejected the police estimate on Friday."
    )
    denials = [c for c in extract(text) if c.stance == "denies"]
    assert denials and denials[0].value is not None and denials[0].value.best == 20000


def test_the_un_figure_is_the_agencys_headline_figure_not_its_parts(extract: Extract) -> None:
    text = (
        "NAIROBI - The UN refugee agency UNHCR said on Tuesday that it had registered about 8,000 "
        "new arrivals at camps in Kenya's Turkana county. It said roughly 3,000 of them were children, "
        "including about 50 who had arrived alone.\n\n"
        "Turkana Governor Peter Lokol rejected the UN figure, saying many had been counted twice."
    )
    denials = [c for c in extract(text) if c.stance == "denies"]
    assert denials and denials[0].value is not None and denials[0].value.best == 8000


def test_dismissing_that_claim_denies_the_figure_just_given(extract: Extract) -> None:
    text = (
        "BAMAKO - Jihadists attacked an army post near the town of Boni on Saturday, killing 14 "
        "soldiers, the army said.\n\n"
        "The militant group said through its news agency that its fighters had killed 60 soldiers. "
        "The defence ministry dismissed that claim on Sunday as propaganda."
    )
    denials = [c for c in extract(text) if c.stance == "denies"]
    assert denials and all(c.value is not None and c.value.best == 60 for c in denials)


def test_denying_that_denies_the_figure_just_given(extract: Extract) -> None:
    text = (
        "ACCRA - A pit collapsed at a gold mine near Tarkwa on Monday, the mines ministry said.\n\n"
        "A miners' union said more than 50 informal miners had been working in old tunnels. "
        "The mining company denied that, saying the tunnels had been sealed."
    )
    denials = [c for c in extract(text) if c.stance == "denies"]
    assert denials and denials[0].value is not None and denials[0].value.best == 50


def test_denying_that_any_were_captured_denies_the_capture_figure(extract: Extract) -> None:
    text = (
        "YANGON - Rebels said on Tuesday that their fighters had captured about 120 government "
        "soldiers near Lashio. The military government denied that any of its soldiers had been "
        "captured."
    )
    denials = [c for c in extract(text) if c.stance == "denies"]
    assert denials and denials[0].value is not None and denials[0].value.best == 120
