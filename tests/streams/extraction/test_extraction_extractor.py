"""End-to-end behaviour of the Extractor on short texts written for these tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import Article, ClaimObserved
from streams.extraction import Extractor, RejectedArticle

Extract = Callable[..., list[ClaimObserved]]


def one(claims: list[ClaimObserved], **where: object) -> ClaimObserved:
    hits = [c for c in claims if all(_get(c, k) == v for k, v in where.items())]
    assert len(hits) == 1, f"{where}: {[(c.claim_key, c.source.name, c.stance) for c in claims]}"
    return hits[0]


def _get(c: ClaimObserved, key: str) -> object:
    if key == "source":
        return c.source.name
    if key == "best":
        return c.value.best if c.value else None
    return getattr(c, key)


# -- attribution -----------------------------------------------------------------------


def test_two_sources_in_one_sentence(extract: Extract) -> None:
    cs = extract("Polish and Lithuanian officials said about 2,000 Belarusian troops were moved to Grodno.")
    names = sorted(c.source.name for c in cs)
    assert names == ["Lithuanian officials", "Polish officials"]
    # Places take their gazetteer spelling, so "Grodno" and "Hrodna" give one key.
    assert {c.claim_key for c in cs} == {"belarusian-troops:count@hrodna"}


def test_according_to(extract: Extract) -> None:
    cs = extract("At least 73 people died in the landslide, according to the Red Cross.")
    c = one(cs, measure="deaths")
    assert c.source.name == "Red Cross"
    assert c.value is not None and c.value.hedge == "at_least" and c.value.low == 73


def test_told_reporters_and_possessive_agency(extract: Extract) -> None:
    cs = extract("Japan's coast guard told reporters on Monday that 14 fishermen were missing off Hokkaido.")
    c = one(cs, measure="missing")
    assert c.source.name == "Japan's coast guard"
    assert c.value is not None and c.value.best == 14


def test_source_carried_over_to_the_agency_added(extract: Extract) -> None:
    cs = extract(
        "The national disaster agency BNPB said 120 people had been killed by the floods in Sumatra. "
        "Around 9,000 residents have been evacuated, the agency added."
    )
    evacuated = one(cs, measure="evacuated")
    assert "BNPB" in evacuated.source.name
    assert one(cs, measure="deaths").source.name == evacuated.source.name


def test_quote_attribution(extract: Extract) -> None:
    cs = extract('"We have counted 312 bodies so far," the governor of Kherson said.')
    c = one(cs, best=312)
    assert "governor" in c.source.name


def test_unattributed_figure_is_not_a_claim_by_default(extract: Extract) -> None:
    # The reporter's own summary: the outlet is never a source of the event.
    assert extract("The storm killed 18 people in Manila on Tuesday.") == []


def test_unattributed_claim_falls_back_to_outlet_when_asked(extractor: Extractor) -> None:
    lenient = Extractor(extractor.nlp, emit_unattributed=True)
    art = Article(
        id="u-1",
        text="The storm killed 18 people in Manila on Tuesday.",
        published_at="2024-10-23T12:00:00Z",
        outlet="Test Outlet",
    )
    c = one(lenient.extract(art), measure="deaths")
    assert c.source.name == "Test Outlet" and c.source.kind == "outlet"
    assert c.confidence < 0.7


# -- stance ----------------------------------------------------------------------------


def test_denial_as_fake_news(extract: Extract) -> None:
    cs = extract(
        "Western officials said Iranian troops were operating in Syria. "
        "A Tehran spokesman denied the reports of Iranian soldiers in Syria as fake news."
    )
    d = one(cs, stance="denies")
    assert d.claim_key == one(cs, stance="asserts").claim_key == "iranian-troops:presence@syria"
    assert d.source.name == "Tehran spokesman"


def test_called_the_reports_groundless(extract: Extract) -> None:
    cs = extract(
        "U.S. officials said there was evidence of Chinese troops in Venezuela. "
        "A Chinese foreign ministry spokesperson called the reports groundless."
    )
    asserted = one(cs, stance="asserts")
    denied = one(cs, stance="denies")
    assert asserted.claim_key == denied.claim_key == "chinese-troops:presence@venezuela"
    assert "spokesperson" in denied.source.name


def test_there_are_no_troops(extract: Extract) -> None:
    cs = extract('"There are no Belarusian soldiers in Ukraine," the defence ministry in Minsk said.')
    c = one(cs, stance="denies")
    assert c.claim_key == "belarusian-troops:presence@ukraine"
    assert c.value is None and c.measure == "presence"


NONCOMMITTAL = (
    "The ministers said they were alarmed by reports of North Korean troops in Russia, "
    "but stopped short of confirming them."
)


def test_noncommittal_presence_is_not_an_assertion(extract: Extract) -> None:
    assert extract(NONCOMMITTAL) == []


def test_noncommittal_presence_can_be_kept_as_neutral() -> None:
    ex = Extractor(emit_neutral_presence=True)
    cs = ex.extract(Article(id="n", text=NONCOMMITTAL))
    assert cs and all(c.stance == "neutral" and c.measure == "presence" for c in cs)


def test_noncommittal_figure_is_neutral_when_asked_for(extractor: Extractor) -> None:
    art = Article(id="n", text="The ministry said it could not confirm that 300 people had died in Darfur.")
    assert extractor.extract(art) == []  # nobody vouches for it: not a claim by default
    cs = Extractor(extractor.nlp, emit_neutral_figures=True).extract(art)
    assert one(cs, best=300).stance == "neutral"


def test_hedged_presence_still_asserts_with_lower_confidence(extract: Extract) -> None:
    sure = one(
        extract("It is certain that Russian fighters are in Mali, the French minister said."), measure="presence"
    )
    hedged = one(
        extract("It is highly likely that Russian fighters are in Mali, the French minister said."), measure="presence"
    )
    assert sure.stance == hedged.stance == "asserts"
    assert hedged.confidence < sure.confidence


def test_denied_figure(extract: Extract) -> None:
    cs = extract(
        "Ukraine's general staff said 950 Russian soldiers were killed near Avdiivka on Sunday. "
        "Russia's defence ministry rejected the figure as propaganda."
    )
    a = one(cs, stance="asserts")
    d = one(cs, stance="denies")
    assert a.claim_key == d.claim_key == "russian-troops:deaths@avdiyivka"


# -- scope -----------------------------------------------------------------------------


def test_sub_scopes_get_their_own_keys(extract: Extract) -> None:
    cs = extract(
        "Officials in Seoul said roughly 10,000 North Korean soldiers were being sent to Russia, "
        "including a first batch of about 1,500. The spy agency said 3,000 troops had arrived, "
        "with the remaining 7,000 to follow by December."
    )
    keys = {c.claim_key: c for c in cs}
    assert "north-korean-troops:count@russia" in keys
    arrived = one(cs, best=3000)
    remaining = one(cs, best=7000)
    assert arrived.claim_key == "north-korean-troops/arrived:count@russia"
    assert remaining.claim_key == "north-korean-troops/remaining:count@russia"
    assert arrived.parent_key == remaining.parent_key == "north-korean-troops:count@russia"
    assert one(cs, best=1500).parent_key == "north-korean-troops:count@russia"


def test_killed_is_a_different_measure(extract: Extract) -> None:
    cs = extract("Kyiv said 300 North Korean soldiers had been killed in the Kursk region.")
    c = one(cs, best=300)
    assert c.measure == "deaths" and c.claim_key.startswith("north-korean-troops:deaths@")


@pytest.mark.parametrize(
    "text",
    [
        "The 54-year-old minister, in office since 2019, said the war was in its third year.",
        "The conflict, which began in February 2022, has lasted more than two and a half years.",
        "The earthquake had a magnitude of 7.8 and struck at a depth of 10 km at 04:17.",
        "Inflation rose 4.5% in March, and the central bank raised rates by 50 basis points.",
    ],
)
def test_numbers_that_are_not_claims(extract: Extract, text: str) -> None:
    assert extract(text) == []


# -- canonical subjects and locations ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Officials said about 10,000 North Korean troops were in Russia.",
        "Officials said about 10,000 North Korean soldiers were in Russia.",
        "Officials said about 10,000 North Korean personnel had been sent to Russian bases.",
        "Officials said about 10,000 Pyongyang's fighters were deployed on Russian soil.",
        "Officials said about 10,000 DPRK forces were deployed to Russia.",
    ],
)
def test_same_subject_and_location_across_wordings(extract: Extract, text: str) -> None:
    c = one(extract(text), best=10000)
    assert c.claim_key == "north-korean-troops:count@russia"
    assert c.subject == "North Korean troops" and c.location == "Russia"


def test_city_is_kept_specific(extract: Extract) -> None:
    c = one(extract("The spy agency said 1,500 North Korean soldiers were sent to Vladivostok."), best=1500)
    assert c.location == "Vladivostok"


# -- dates -----------------------------------------------------------------------------


def test_as_of_prefers_the_date_of_the_event(extract: Extract) -> None:
    cs = extract(
        "Seoul's spy agency said last week that 1,500 North Korean soldiers were sent to "
        "Vladivostok between October 8-13."
    )
    c = one(cs, best=1500)
    assert c.as_of is not None and c.as_of.date().isoformat() == "2024-10-13"


def test_as_of_from_the_reporting_verb(extract: Extract) -> None:
    c = one(extract("Police said on Monday that 41 protesters were arrested in Tbilisi."), best=41)
    assert c.as_of is not None and c.as_of.date().isoformat() == "2024-10-21"


def test_as_of_defaults_to_publication(extract: Extract) -> None:
    c = one(extract("Police said 41 protesters were arrested in Tbilisi."), best=41)
    assert c.as_of == c.published_at


# -- other stories ------------------------------------------------------------------------


def test_earthquake_story(extract: Extract) -> None:
    cs = extract(
        "A powerful earthquake struck central Afghanistan overnight. The Taliban government said "
        "at least 2,053 people were killed and more than 9,000 were injured in Herat province. "
        "The death toll rose to 2,445 on Monday, according to the UN.",
        published_at="2023-10-10T08:00:00Z",
    )
    deaths = [c for c in cs if c.measure == "deaths"]
    assert sorted(c.value.best for c in deaths if c.value) == [2053, 2445]
    assert one(cs, measure="injured").value.hedge == "more_than"  # type: ignore[union-attr]
    un = one(cs, best=2445)
    assert un.source.name == "UN"


def test_protest_crowd_disputed(extract: Extract) -> None:
    cs = extract(
        "Police put the number of demonstrators in Belgrade at 35,000, while organisers said "
        "more than 100,000 people had marched."
    )
    police = one(cs, best=35000)
    organisers = one(cs, best=100000)
    assert police.claim_key == organisers.claim_key == "protesters:count@belgrade"
    assert police.source.kind == "police" and organisers.source.kind == "organizers"


# -- evidence, ids, rejections ------------------------------------------------------------


def test_evidence_offsets_point_at_the_sentence(extract: Extract) -> None:
    text = "Flooding hit the region.\n\nOfficials said 64 people died in Valencia. Rain continues."
    cs = extract(text)
    c = one(cs, best=64)
    assert text[c.evidence.start : c.evidence.end] == c.evidence.text
    assert c.evidence.text == "Officials said 64 people died in Valencia."


def test_event_ids_are_deterministic(extractor: Extractor) -> None:
    art = Article(id="det-1", text="Officials said 64 people died in Valencia.", published_at="2024-10-30T00:00:00Z")
    a = extractor.extract(art)
    b = extractor.extract(art)
    assert [c.event_id for c in a] == [c.event_id for c in b]
    assert [c.observed_at for c in a] == [c.observed_at for c in b]
    other = extractor.extract(art.model_copy(update={"id": "det-2"}))
    assert a[0].event_id != other[0].event_id


def test_html_is_stripped_and_offsets_index_the_raw_text(extractor: Extractor) -> None:
    raw = "<html><body><p>Officials said <b>64</b> people died in Valencia.</p><p>More rain is due.</p></body></html>"
    cs = extractor.extract(Article(id="h", text=raw))
    c = one(cs, best=64)
    assert raw[c.evidence.start : c.evidence.end].startswith("Officials said <b>64</b>")
    assert "<" not in c.evidence.text


def test_rejections(extractor: Extractor) -> None:
    with pytest.raises(RejectedArticle) as e:
        extractor.extract(Article(id="e", text="   \n "))
    assert e.value.reason == "empty_text"
    with pytest.raises(RejectedArticle) as e:
        extractor.extract(Article(id="h", text="<div><p> </p></div>"))
    assert e.value.reason == "empty_text"
    with pytest.raises(RejectedArticle) as e:
        extractor.extract(
            Article(
                id="fr",
                text="Le ministère a déclaré mercredi que environ dix mille soldats "
                "avaient été envoyés en Russie, selon les services de renseignement du pays.",
            )
        )
    assert e.value.reason == "not_english"
    with pytest.raises(RejectedArticle) as e:
        extractor.extract(Article(id="lang", text="Officials said 5 people died.", language="de"))
    assert e.value.reason == "not_english"


def test_one_megabyte_is_rejected_quickly(extractor: Extractor) -> None:
    text = "Officials said 64 people died in Valencia. " * 25_000  # ~1 MB
    with pytest.raises(RejectedArticle) as e:
        extractor.extract(Article(id="big", text=text))
    assert e.value.reason == "too_long" and e.value.message


def test_long_article_under_the_limit_is_processed() -> None:
    ex = Extractor(max_chars=2_000_000)
    para = "Officials said 64 people died in Valencia.\n\n" + "The rain went on. " * 50 + "\n\n"
    cs = ex.extract(Article(id="long", text=para * 40))
    assert len(cs) == 1  # the same statement repeated is one claim


def test_extract_many_survives_bad_articles(extractor: Extractor) -> None:
    arts = [
        Article(id="a", text="Officials said 64 people died in Valencia."),
        Article(id="b", text=""),
        Article(id="c", text="Police said 12 protesters were arrested in Lima."),
    ]
    out = list(extractor.extract_many(arts, batch_size=2))
    assert [a.id for a, _ in out] == ["a", "b", "c"]
    assert isinstance(out[1][1], RejectedArticle) and out[1][1].reason == "empty_text"
    assert isinstance(out[0][1], list) and out[0][1][0].value is not None
    assert isinstance(out[2][1], list) and out[2][1][0].measure == "arrested"


def test_someone_elses_noncommittal_does_not_neutralise_a_claim(extract: Extract) -> None:
    cs = extract("Police said 300 people were arrested in Nairobi, but the ministry did not confirm the figure.")
    assert one(cs, best=300).stance == "asserts"


def test_nationality_nouns_are_people_of_that_nation(extract: Extract) -> None:
    c = one(extract("The ministry says more than 31,000 Palestinians have been killed in Gaza."), best=31000)
    assert c.claim_key == "palestinian-people:deaths@palestinian-territory"
    assert c.value is not None and c.value.hedge == "more_than"


def test_rejecting_those_estimates_denies_each_figure(extract: Extract) -> None:
    cs = extract(
        "U.S. officials said close to 70,000 Ukrainian troops had been killed and up to 120,000 wounded. "
        "Kyiv rejected those estimates as propaganda."
    )
    denied = sorted(c.value.best for c in cs if c.stance == "denies" and c.value)
    assert denied == [70000, 120000]
    assert {c.claim_key for c in cs} == {"ukrainian-troops:deaths", "ukrainian-troops:injured"}


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Officials confirmed the deaths of 300 people in Mosul.", "deaths"),
        ('"We have recovered 87 bodies," the mayor of Mosul said.', "deaths"),
        ("Rescuers said 40 villagers were still unaccounted for in Mosul.", "missing"),
        ("Officials said the floods left 12,000 people homeless in Mosul.", "displaced"),
        ("The army said 25 soldiers were wounded in Mosul.", "injured"),
        ("Officials said 35 people were arrested in Mosul.", "arrested"),
    ],
)
def test_measures(extract: Extract, text: str, measure: str) -> None:
    cs = extract(text)
    assert len(cs) == 1 and cs[0].measure == measure, [(c.claim_key, c.value) for c in cs]
    assert cs[0].location == "Mosul"


def test_a_disaster_that_claimed_lives_is_not_a_speaker(extract: Extract) -> None:
    cs = extract("The cyclone claimed the lives of 50 people in Mozambique, according to the disaster institute.")
    c = one(cs, best=50)
    assert c.measure == "deaths" and c.source.name == "disaster institute"


def test_part_of_a_figure_is_a_sub_scope(extract: Extract) -> None:
    cs = extract(
        "A missile strike on Odesa killed 12 civilians, including five children, and wounded 30 others, "
        "the regional governor said."
    )
    part = one(cs, best=5)
    # The event (a missile strike) qualifies the subject; the part keeps its parent's key.
    assert part.claim_key == "airstrike-civilians/children:deaths@odesa"
    assert part.parent_key == "airstrike-civilians:deaths@odesa"
    assert one(cs, best=30).claim_key == "airstrike-civilians:injured@odesa"
    assert all(c.source.name == "regional governor" for c in cs)


def test_presence_wordings(extract: Extract) -> None:
    c = one(extract("Washington believes Wagner mercenaries are present in Libya, a U.S. official said."))
    assert c.claim_key == "wagner-troops:presence@libya" and c.stance == "asserts"
    d = one(extract("Minsk denied that any Belarusian soldiers had crossed into Ukraine."))
    assert d.claim_key == "belarusian-troops:presence@ukraine" and d.stance == "denies"


def test_beside_a_place_is_not_in_it(extract: Extract) -> None:
    cs = extract("Officials said Belarusian troops were massing near the border with Ukraine.")
    assert not any(c.measure == "presence" and c.location == "Ukraine" for c in cs)


def test_images_are_evidence_not_the_speaker(extract: Extract) -> None:
    cs = extract("Satellite images show 40 Russian tanks at a base in Crimea, Ukraine's military said.")
    c = one(cs, best=40)
    assert c.source.name == "Ukraine's military" and c.location == "Crimea"


# -- as_of of follow-on statements -------------------------------------------------------


def test_follow_on_statement_takes_the_sources_date(extract: Extract) -> None:
    cs = extract(
        "The civil protection agency said on Monday that 75 people had died. "
        "The agency added that 310 people had been injured."
    )
    injured = one(cs, best=310)
    assert injured.as_of is not None and injured.as_of.date().isoformat() == "2024-10-21"


def test_date_of_the_governing_statement(extract: Extract) -> None:
    cs = extract("The governor said on Monday that cases had spread to Kwilu, where nurses counted 140 cases.")
    c = one(cs, best=140)
    assert c.as_of is not None and c.as_of.date().isoformat() == "2024-10-21"


def test_weekday_night_dates_a_figure(extract: Extract) -> None:
    cs = extract("The agency said 17 bodies had been recovered by Monday night.")
    c = one(cs, best=17)
    assert c.as_of is not None and c.as_of.date().isoformat() == "2024-10-21"


# -- whose forces, whose patients --------------------------------------------------------


def test_forces_belong_to_their_owner_not_the_last_army(extract: Extract) -> None:
    cs = extract(
        "Officials said about 3,000 Ugandan troops had crossed into Ituri. "
        "The U.N. mission, MONUSCO, said it still had about 9,000 peacekeepers in the province. "
        "Experts said the rebels now numbered some 4,000 fighters."
    )
    assert one(cs, best=3000).subject == "Ugandan troops"
    assert "Ugandan" not in one(cs, best=9000).subject
    assert "MONUSCO" in one(cs, best=9000).subject
    assert one(cs, best=4000).subject == "rebel troops"


def test_medics_attending_to_people_count_the_injured_not_protesters(extract: Extract) -> None:
    cs = extract(
        "Thousands marched in Lyon on Sunday. The city's ambulance service said it had attended to "
        "16 people at the scene, four of whom were taken to hospital."
    )
    assert one(cs, best=16).measure == "injured"
    assert one(cs, best=4).measure == "hospitalized"
    assert not any(c.subject.startswith("protesters") for c in cs)


def test_presence_in_a_list_of_places_gives_one_claim_each(extract: Extract) -> None:
    cs = extract("UN monitors said Eritrean forces were present in three towns, Adigrat, Shire and Axum.")
    places = {c.location for c in cs if c.measure == "presence"}
    assert {"Adigrat", "Axum"} <= places, places  # Shire is too small for the gazetteer


def test_presence_ignores_a_place_in_a_relative_clause(extract: Extract) -> None:
    cs = extract(
        "Officials said Belarusian troops were stationed at a training ground in the Grodno region, "
        "which borders Polish territory."
    )
    assert cs and all("pol" not in (c.location or "").lower() for c in cs)


def test_fighters_of_a_named_group(extract: Extract) -> None:
    cs = extract("Officials said about 1,800 fighters of the Islamic Courts Union had entered Baidoa.")
    assert one(cs, best=1800).subject == "Islamic Courts Union troops"


def test_taking_part_in_the_clash_is_presence_at_the_story_place(extract: Extract) -> None:
    cs = extract(
        "GAO - Fighting broke out near the town of Menaka on Sunday. The Azawad Liberation Front, a coalition "
        "of rebel groups, said it had killed 20 soldiers. A rebel spokesman, Ali Ag Moussa, said the group had "
        "lost 4 fighters. The rebels said Turkish fighters had taken part in the clash, which the army did not confirm."
    )
    c = one(cs, measure="presence")
    assert c.stance == "asserts" and c.location in ("Ménaka", "Menaka")
    assert c.source.name == one(cs, best=20).source.name  # "the rebels": the movement, not its spokesman


def test_date_of_a_shared_subject_verb_and_not_of_an_old_figure(extract: Extract) -> None:
    cs = extract(
        "Shelling killed 11 people and wounded 25 others on Monday, the regional governor said. "
        "The governor said 640 people had been killed since March, up from 600 a week ago."
    )
    assert one(cs, best=11).as_of.date().isoformat() == "2024-10-21"  # type: ignore[union-attr]
    assert one(cs, best=640).as_of.date().isoformat() != "2024-10-16"  # type: ignore[union-attr]


def test_the_number_was_closer_to(extract: Extract) -> None:
    cs = extract(
        "Officials said around 4,000 Belarusian soldiers had been moved to Grodno. "
        "Lithuania's defence minister said the number was closer to 6,000."
    )
    assert one(cs, best=6000).claim_key == one(cs, best=4000).claim_key
