"""The demo's matter: leasing 56 mu of collective land, through all six steps.

Spring 2026 in 柳湾村. The Party branch proposes to lease the reclaimed land of
the old brickworks to a villagers' cooperative growing medicinal herbs. The two
committees consult, the Party members' assembly reviews, and the 村民代表会议
resolves — at the second attempt: the first meeting falls in the spring
ploughing and too few representatives come, so it is invalid and is called
again with fresh notice. At the second meeting a representative whose son
chairs the cooperative declares his interest and stands aside. The resolution
is posted; an elderly villager objects and is answered within three days. The
committee signs the lease, the rent comes in, the monitoring committee checks
the papers, and the result is posted.

Every act is a scenario :class:`~yishi.scenario.format.Step` with a fixed date
and time; the people are drawn from the generated village with a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import attrs

from yishi.demo import papers
from yishi.demo.village import Village
from yishi.domain import commands as cmd
from yishi.domain.evidence import Evidence
from yishi.scenario.format import Step

# attach(data, name, media_type, note) -> Evidence, stored where the log can verify it
Attach = Callable[[bytes, str, str, str], Evidence]

MATTER = "2026-01"
TITLE = "村西北片集体机动地 56 亩出租给本村绿源中药材种植专业合作社"
COOPERATIVE = "绿源中药材种植专业合作社"
PLACE = "村委会二楼会议室"
RESOLUTION = (
    "村西北片原砖瓦厂复垦后的集体机动地 56 亩（四至见附图），出租给{coop}种植丹参、黄芩，"
    "租期 8 年（2026 年 4 月 1 日至 2034 年 3 月 31 日），年租金每亩 900 元，每年 3 月 31 日前一次付清；"
    "租金收入纳入村集体经济收入，优先用于灌溉渠修缮和村道路灯维护。"
)
RESULT = (
    "村委会已于 2026 年 3 月 30 日与{coop}签订《集体土地租赁合同》，租赁面积 56 亩，"
    "首年租金 50400 元已于 4 月 3 日转入村集体账户。租金按决议用于灌溉渠修缮和村道路灯维护，"
    "使用明细随本季度财务公开一并公布。"
)


@attrs.frozen
class Cast:
    """Who does what in the story."""

    secretary: str
    director: str
    deputy_director: str
    women_officer: str
    monitoring_chair: str
    interested: str  # the representative who declares an interest
    relative: str | None  # his son, who chairs the cooperative (None: he is a member himself)
    objector: str  # an elderly villager whose contracted plot borders the land


@attrs.frozen
class Story:
    title: str
    matter: str
    cast: Cast
    steps: tuple[Step, ...]
    until: dt.datetime
    meetings: tuple[str, ...]  # in order: propose, consult, review, resolve (failed), resolve
    disclosures: tuple[str, ...]  # resolution, result


def _at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"2026-{day}T{time}")


def choose_cast(village: Village) -> Cast:
    offices = village.offices
    on = dt.date(2026, 3, 19)
    interested, relative = None, None
    for rep in village.representatives:
        household = village.households[village.people[rep].household]
        sons = [
            p
            for p in household.members
            if p != rep
            and village.people[p].gender == "male"
            and 25 <= village.people[p].age(on) <= 45
            and village.people[p].party is None
            and village.people[rep].age(on) >= 50
        ]
        if sons:
            interested, relative = rep, sons[0]
            break
    if interested is None:  # no representative with a grown son: one is a member himself
        interested = next(iter(village.representatives))
    busy = {
        *village.representatives,
        *village.village_committee,
        *village.branch_committee,
        *village.monitoring_committee,
    }
    elderly = [
        p.id
        for p in village.people.values()
        if p.age(on) >= 68
        and p.id not in busy
        and p.household != village.people[interested].household
    ]
    return Cast(
        secretary=offices["secretary"],
        director=offices["director"],
        deputy_director=offices["deputy_director"],
        women_officer=offices["women_officer"],
        monitoring_chair=offices["monitoring_chair"],
        interested=interested,
        relative=relative,
        objector=elderly[0],
    )


def build_story(village: Village, attach: Attach) -> Story:
    """The steps of the matter; ``attach`` stores a paper record and returns its evidence."""
    rng = random.Random(f"{village.seed}-story")
    cast = choose_cast(village)
    name = village.name_of
    coop = f"{village.name}{COOPERATIVE}"
    steps: list[Step] = []

    def add(at: dt.datetime, do: str, command: cmd.Command, expect: str | None = None) -> None:
        index = steps[-1].index + 1 if steps else 0
        if steps and do == "votes" and steps[-1].do == do and steps[-1].at == at:
            index = steps[-1].index  # one line of ballots
        steps.append(Step(index, None, at, do, command, expect))

    def meeting(
        meeting_id: str,
        *,
        convened: dt.datetime,
        held: dt.datetime,
        chair: str,
        present: list[str],
        method: str,
        body: str | None = None,
        count: tuple[int, int, int] | None = None,
        close_at: dt.datetime | None = None,
        check_in_evidence: tuple[Evidence, ...] = (),
        close_evidence: tuple[Evidence, ...] = (),
        place: str = PLACE,
    ) -> None:
        add(
            convened,
            "convene",
            cmd.ConveneMeeting(
                actor=chair,
                matter=MATTER,
                meeting=meeting_id,
                body=body,
                date=held.date(),
                method=method,
                place=place,
            ),
        )
        add(
            held,
            "check_in",
            cmd.CheckIn(
                actor=chair, meeting=meeting_id, people=tuple(present), evidence=check_in_evidence
            ),
        )
        if count is not None:
            yes, no, abstain = count
            add(
                held + dt.timedelta(minutes=70),
                "hand_count",
                cmd.EnterHandCount(
                    actor=chair, meeting=meeting_id, yes=yes, no=no, abstain=abstain
                ),
            )
        add(
            close_at or held + dt.timedelta(minutes=75),
            "close_meeting",
            cmd.CloseMeeting(actor=chair, meeting=meeting_id, evidence=close_evidence),
        )

    # -- 第一步：党组织提议 ---------------------------------------------------------
    proposal = attach(
        papers.text_file(
            [
                f"中共{village.name}支部委员会",
                "关于出租村西北片集体机动地的提议",
                "",
                "村西北片原砖瓦厂 2019 年复垦后形成集体机动地 56 亩，未发包到户，近年由村委会临时发包种植玉米，"
                "年收入不足 2 万元。经走访党员、村民代表和相邻农户，支部委员会提议：将该地块整体出租给本村"
                f"{coop}种植中药材，租期 8 年，年租金每亩不低于 900 元。",
                "",
                "本提议经支部委员会讨论通过后，提交村“两委”联席会议商议。",
                "",
                f"支部书记：{name(cast.secretary)}",
                "2026 年 3 月 2 日",
            ]
        ),
        "提议书-2026-01.txt",
        "text/plain; charset=utf-8",
        "党支部书面提议（存档）",
    )
    add(
        _at("03-02"),
        "propose",
        cmd.ProposeMatter(
            actor=cast.secretary,
            matter=MATTER,
            title=TITLE,
            matter_type="collective_land_lease",
            description="原砖瓦厂复垦地，未发包到户；租期 8 年，年租金每亩 900 元。",
            evidence=(proposal,),
        ),
    )
    branch = list(village.branch_committee)
    meeting(
        f"{MATTER}-propose",
        convened=_at("03-02", "09:30"),
        held=_at("03-03", "14:30"),
        chair=cast.secretary,
        present=branch,
        method="show_of_hands",
        count=(len(branch), 0, 0),
    )

    # -- 第二步：“两委”商议 --------------------------------------------------------
    joint = list(village.two_committees)
    meeting(
        f"{MATTER}-consult",
        convened=_at("03-04"),
        held=_at("03-05"),
        chair=cast.secretary,
        present=joint,
        method="show_of_hands",
        count=(len(joint) - 1, 0, 1),
    )

    # -- 第三步：党员大会审议（提前 3 日以上把方案送达党员） -----------------------------
    voting = [p for p in village.party_members if village.people[p].party == "full"]
    probationary = [p for p in village.party_members if village.people[p].party == "probationary"]
    officials = {*village.branch_committee, *village.village_committee, cast.monitoring_chair}
    away = set(rng.sample(sorted(set(voting) - officials), 8))  # 外出务工
    review_present = [p for p in voting if p not in away] + probationary[:2]
    voters = len([p for p in review_present if p in voting])
    meeting(
        f"{MATTER}-review",
        convened=_at("03-05", "16:00"),
        held=_at("03-09", "14:00"),
        chair=cast.secretary,
        present=review_present,
        method="secret",
        count=(voters - 2, 1, 1),
    )

    # -- 第四步：村民代表会议决议 -------------------------------------------------------
    # First call: spring ploughing; 17 of 29 come, 20 are needed (two thirds).
    committee = list(village.village_committee)
    reps = list(village.representatives)
    first_present = [*committee, *sorted(rng.sample(reps, 12), key=reps.index)]
    if cast.interested not in first_present:
        first_present[-1] = cast.interested
    first = f"{MATTER}-resolve-1"
    group_name = {p: village.group_of(p).name for p in village.assembly}
    sheet = attach(
        papers.sign_in_sheet(
            f"{village.name}村民代表会议签到表（2026 年 3 月 16 日 9:00，{PLACE}）",
            [
                (
                    name(p),
                    "村委会成员" if role == "committee_member" else "村民代表",
                    group_name[p],
                    p in first_present,
                    "" if p in first_present else rng.choice(("春耕", "外出务工", "春耕", "住院")),
                )
                for p, role in village.assembly.items()
            ],
        ),
        "签到表-2026-03-16.csv",
        "text/csv; charset=utf-8",
        "3 月 16 日村民代表会议签到表（扫描录入）",
    )
    meeting(
        first,
        convened=_at("03-12"),
        held=_at("03-16"),
        chair=cast.director,
        body="representatives_assembly",
        present=first_present,
        method="show_of_hands",
        close_at=_at("03-16", "09:40"),
        check_in_evidence=(sheet,),
    )

    # Called again the same afternoon, with fresh notice: three days.
    second = f"{MATTER}-resolve-2"
    absent = set(rng.sample(sorted(set(reps) - {cast.interested}), 3))
    second_present = [*committee, *(r for r in reps if r not in absent)]
    add(
        _at("03-16", "15:00"),
        "convene",
        cmd.ConveneMeeting(
            actor=cast.director,
            matter=MATTER,
            meeting=second,
            body="representatives_assembly",
            date=dt.date(2026, 3, 19),
            method="show_of_hands",
            place=PLACE,
        ),
    )
    add(
        _at("03-19"),
        "check_in",
        cmd.CheckIn(actor=cast.director, meeting=second, people=tuple(second_present)),
    )
    interest = (
        f"其子{name(cast.relative)}为承租方{coop}理事长"
        if cast.relative
        else f"本人为承租方{coop}成员"
    )
    add(
        _at("03-19", "09:10"),
        "declare_interest",
        cmd.DeclareInterest(
            actor=cast.interested,
            matter=MATTER,
            person=cast.interested,
            meeting=second,
            reason=interest,
        ),
    )
    # He may speak, but not vote: his attempt is refused and nothing is written.
    add(
        _at("03-19", "10:20"),
        "vote",
        cmd.CastVote(actor=cast.interested, meeting=second, voter=cast.interested, choice="yes"),
        expect="refused",
    )
    voters_present = [p for p in second_present if p != cast.interested]
    against = set(rng.sample([r for r in voters_present if r in village.representatives], 3))
    choices = {p: "yes" for p in voters_present}
    no_votes = sorted(against, key=voters_present.index)
    choices[no_votes[0]] = "no"
    choices[no_votes[1]] = "no"
    choices[no_votes[2]] = "abstain"
    for choice in ("yes", "no", "abstain"):
        for voter in voters_present:
            if choices[voter] == choice:
                add(
                    _at("03-19", "10:30"),
                    "votes",
                    cmd.CastVote(
                        actor=cast.deputy_director, meeting=second, voter=voter, choice=choice
                    ),
                )
    named = {
        c: [name(p) for p in voters_present if choices[p] == c] for c in ("yes", "no", "abstain")
    }
    record = attach(
        papers.minutes(
            f"{village.name}村民代表会议记录",
            {
                "时间": "2026 年 3 月 19 日上午 9:00",
                "地点": PLACE,
                "主持人": f"{name(cast.director)}（村委会主任）",
                "记录人": f"{name(cast.deputy_director)}（村委会副主任）",
                "应到": f"{len(village.assembly)} 人（村委会成员 {len(committee)} 人，村民代表 {len(reps)} 人）",
                "实到": f"{len(second_present)} 人",
                "议题": TITLE,
            },
            [
                "一、主持人说明：3 月 16 日会议到会 17 人，不足组成人员三分之二，会议无效；3 月 16 日重新通知，今日再次召开。",
                f"二、{name(cast.interested)}代表声明：{interest}，申请回避，只发言、不表决。",
                "三、支部书记介绍提议经过、“两委”商议意见和党员大会审议意见，代表讨论。",
                "四、举手表决，逐人记名（出租集体土地须有全体代表三分之二以上同意的书面证明）：",
                f"    赞成（{len(named['yes'])} 人）：{'、'.join(named['yes'])}",
                f"    反对（{len(named['no'])} 人）：{'、'.join(named['no'])}",
                f"    弃权（{len(named['abstain'])} 人）：{'、'.join(named['abstain'])}",
                "五、决议于次日在村务公开栏和各村民小组公开栏公示 7 日。",
            ],
            [f"主持人：{name(cast.director)}", f"记录人：{name(cast.deputy_director)}"],
        ),
        "会议记录-2026-03-19.txt",
        "text/plain; charset=utf-8",
        "3 月 19 日村民代表会议记录（含逐人表决情况）",
    )
    add(
        _at("03-19", "10:40"),
        "close_meeting",
        cmd.CloseMeeting(actor=cast.director, meeting=second, evidence=(record,)),
    )

    # -- 第五步：决议公开（不少于 15 日，村组法第三十五条；异议 3 日内答复） ---------------------
    resolution_text = RESOLUTION.format(coop=coop)
    photo = attach(
        papers.notice_photo(resolution_text),
        "公示照片-2026-03-20.png",
        "image/png",
        "村务公开栏张贴照片",
    )
    add(
        _at("03-20", "08:30"),
        "publish",
        cmd.Publish(
            actor=cast.deputy_director,
            matter=MATTER,
            disclosure=f"{MATTER}-resolution",
            text=resolution_text,
            evidence=(photo,),
            reviewer=cast.monitoring_chair,
            review="已对照村民代表会议记录和表决结果审核，公示内容属实。",
        ),
    )
    add(
        _at("03-23", "10:00"),
        "object",
        cmd.RaiseObjection(
            actor=cast.women_officer,
            on_behalf_of=cast.objector,
            disclosure=f"{MATTER}-resolution",
            objection=f"{MATTER}-objection-1",
            person=cast.objector,
            text="我家承包地在出租地块东边，合作社打井、修机耕路会不会占我家的地？浇地的水怎么安排？",
        ),
    )
    add(
        _at("03-25", "16:00"),
        "answer",
        cmd.AnswerObjection(
            actor=cast.director,
            objection=f"{MATTER}-objection-1",
            reply=(
                "经村委会与合作社到现场核实：出租范围以 2019 年复垦验收测绘图为界，四至已在合同附图中标明，"
                "不占用相邻承包地；合作社自行打井，不使用村集体灌溉渠的配水。已上门当面答复。"
            ),
            resolved=True,
        ),
    )

    # -- 第六步：组织实施，监委会审核，结果公开 -------------------------------------------
    # The resolution was posted 03-20 for 15 days: day 15 (04-04) falls in the
    # Qingming holiday, so the posting runs to 04-07 (民法典 Arts. 201, 203).
    add(
        _at("04-08", "10:00"),
        "progress",
        cmd.RecordProgress(
            actor=cast.director,
            matter=MATTER,
            text=f"与{coop}签订《集体土地租赁合同》，合同附四至图，经村务监督委员会见证",
            percent=50,
        ),
    )
    # Accounts against the budget the resolution set (实施结果公开 prints them):
    # the survey came in over its line, and the notice marks it.
    add(
        _at("04-08", "10:30"),
        "budget",
        cmd.RecordBudget(
            actor=cast.director,
            matter=MATTER,
            lines=(
                cmd.BudgetLine(item="地块测绘与界桩", amount="3000"),
                cmd.BudgetLine(item="合同公证", amount="800"),
            ),
            source="村民代表会议 2026-03-19 决议",
        ),
    )
    add(
        _at("04-10", "11:00"),
        "account_entry",
        cmd.RecordAccountEntry(
            actor=cast.director,
            matter=MATTER,
            item="地块测绘与界桩",
            amount="3200",
            document="发票 No.00283741",
            text="界桩比附图多埋 2 根，经监委会现场确认",
        ),
    )
    add(
        _at("04-10", "11:10"),
        "account_entry",
        cmd.RecordAccountEntry(
            actor=cast.director,
            matter=MATTER,
            item="合同公证",
            amount="600",
            document="公证费发票 No.00911",
        ),
    )
    add(
        _at("04-11", "14:50"),
        "account_entry",
        cmd.RecordAccountEntry(
            actor=cast.director,
            matter=MATTER,
            kind="income",
            item="首年租金（56 亩 × 900 元）",
            amount="50400",
            document="银行回单 2026-04-03",
        ),
    )
    add(
        _at("04-11", "15:00"),
        "progress",
        cmd.RecordProgress(
            actor=cast.director,
            matter=MATTER,
            text="首年租金 50400 元（56 亩 × 900 元）转入村集体账户",
            percent=100,
        ),
    )
    add(
        _at("04-16", "09:30"),
        "sign_off",
        cmd.SignOff(
            actor=cast.monitoring_chair,
            matter=MATTER,
            text="已审核租赁合同、四至图和银行回单，与村民代表会议决议一致",
        ),
    )
    add(
        _at("04-16", "10:00"), "complete", cmd.CompleteExecution(actor=cast.director, matter=MATTER)
    )
    add(
        _at("04-17", "08:30"),
        "publish",
        cmd.Publish(
            actor=cast.deputy_director,
            matter=MATTER,
            disclosure=f"{MATTER}-result",
            text=RESULT.format(coop=coop),
            reviewer=cast.monitoring_chair,
            review="已审核租赁合同、四至图和银行回单，实施结果与决议一致。",
        ),
    )
    return Story(
        title=f"{village.name}：{TITLE}",
        matter=MATTER,
        cast=cast,
        steps=tuple(steps),
        # The result is posted 04-17 for 15 days, the posting day not counted
        # (民法典 Art. 201): day 15 is 05-02, in the Labour Day holiday, so the
        # period runs to 05-06 (Art. 203) and ends at midnight.
        until=_at("05-07"),
        meetings=(
            f"{MATTER}-propose",
            f"{MATTER}-consult",
            f"{MATTER}-review",
            first,
            second,
        ),
        disclosures=(f"{MATTER}-resolution", f"{MATTER}-result"),
    )
