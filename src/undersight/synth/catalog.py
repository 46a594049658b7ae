"""What the synthetic market sells: products, their planted prices and phrasing.

A :class:`Product` is one thing at one billing basis ("SMS spam, per 5,000
messages", "DDoS, per month"). Its planted price is a lognormal around
``median_usd`` for ``per`` units (or one period); packages of other sizes
scale as ``(quantity / per) ** volume_exponent`` (bulk discount). A mobile
variant (``mobile_of``) costs the planted mobile premium times its base.

Phrases are data: a plain string, or ``(text, platform)`` where the text
names a targeted platform, so the ground truth knows the platforms written.
The figures follow Trend Micro's "The Chinese Underground in 2013" where it
gives them; the others are assumptions of the same order of magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Frag = str | tuple[str, str]


@dataclass(frozen=True, slots=True)
class Product:
    """One product at one billing basis, with its planted median price."""

    key: str
    category: str
    median_usd: float
    per: int = 1  # the median buys this many units (a package) ...
    unit: str | None = None
    period: str | None = None  # ... or one billing period
    sigma: float = 0.35  # lognormal spread of the price level
    quantities: tuple[int, ...] = ()  # package sizes sold; empty: priced per unit or per job
    volume_exponent: float = 1.0
    platform: str | None = None  # a mobile-targeted variant names this platform
    mobile_of: str | None = None
    weight: float = 1.0  # share within the category
    zh: tuple[Frag, ...] = ()
    en: tuple[Frag, ...] = ()
    cls: str = "个"  # Chinese measure word of a unit
    noun_zh: str = ""  # what a package counts, written after the measure word
    noun_en: str = ""

    @property
    def shape(self) -> str:
        """How the price is written: a package, one unit, a period or a one-off job."""
        if self.quantities:
            return "pack"
        if self.period:
            return "period"
        return "unit" if self.unit else "once"

    @property
    def basis(self) -> str:
        """The planted median's basis, in words: "5000 message", "month", "job"."""
        if self.period:
            return self.period
        if self.unit:
            return f"{self.per} {self.unit}" if self.per > 1 else self.unit
        return "job"


# Selling points per category (zh, en). Numbers here never read as prices.
POINTS: dict[str, tuple[tuple[Frag, ...], tuple[Frag, ...]]] = {
    "sms_spam": (
        (
            "三网通",
            "到达率高",
            "秒到",
            "可免费测试",
            "不限内容",
            "签名可自定义",
            "后台可查回执",
            "量大从优",
        ),
        ("high delivery rate", "custom sender id", "fast delivery", "free test", "any content"),
    ),
    "fake_base_station": (
        ("每分钟300条", "包教会", "送全套配件", "操作简单", "可上门安装", "稳定不死机"),
        ("plug and play", "training included", "full kit", "portable"),
    ),
    "premium_number": (
        ("日结", "扣费稳定", "通道稳定", "全国通用", "代理有返点", "结算快"),
        ("weekly payouts", "stable billing", "all countries", "high payout"),
    ),
    "ddos": (
        ("打死为止", "不死不要钱", "可先测试", "稳定输出", "流量大", "全天接单", "硬防也能打"),
        ("free test", "bypass cloudflare", "stable power", "no logs", "instant start"),
    ),
    "bots": (
        ("在线稳定", "带宽足", "不掉线", "可测试", "量大从优", "全国各地", "秒上线"),
        ("high uptime", "fresh stock", "mixed geo", "no resellers", "instant delivery"),
    ),
    "rat": (
        ("上线稳定", "功能齐全", "穿透内网", "无需端口映射", "免费更新", "操作简单"),
        ("stable connection", "hidden startup", "free updates", "full features"),
    ),
    "malware": (
        ("过主流杀软", "可定制", "售后有保障", "包更新", "一对一指导"),
        ("scantime and runtime", "custom builds", "support included", "weekly updates"),
    ),
    "dns_attack": (
        ("全国有效", "效果稳定", "不成功不收费", "安全隐蔽"),
        ("fast results", "no traces", "any registrar"),
    ),
    "phishing": (
        ("高仿真", "后台实时查看", "可定制", "一条龙服务", "数据实时回传"),
        ("pixel perfect", "live panel", "custom design", "anti bot"),
    ),
    "web_intrusion": (
        ("先拿后付", "各类站点", "技术过硬", "保密"),
        ("any cms", "fast turnaround", "pay after proof", "discreet"),
    ),
    "stolen_data": (
        ("新鲜", "准确率高", "可先验", "分地区", "不重复"),
        ("fresh", "valid", "sorted by region", "no duplicates"),
    ),
    "carding": (
        ("有效率高", "新鲜", "不好包换", "可先验"),
        ("high valid rate", "fresh base", "replacement if dead", "checked"),
    ),
    "accounts": (
        ("可改密", "稳定不封", "批发", "带密保"),
        ("aged", "phone verified", "bulk discount", "full access"),
    ),
    "hosting": (
        ("稳定", "不限内容", "大带宽", "免备案"),
        ("no kyc", "dmca ignored", "high bandwidth", "anonymous"),
    ),
    "tutorials": (
        ("包教包会", "视频讲解", "长期答疑", "从零基础开始"),
        ("step by step", "video lessons", "beginner friendly", "lifetime support"),
    ),
    "phone_numbers": (
        ("秒到", "不限项目", "稳定", "实名"),
        ("instant", "any service", "real sims", "stable"),
    ),
}


def _p(key: str, category: str, usd: float, **kw: object) -> Product:
    return Product(key, category, usd, **kw)  # type: ignore[arg-type]


BASE_PRODUCTS: tuple[Product, ...] = (
    _p(
        "sms_spam/sms",
        "sms_spam",
        50.0,
        per=5000,
        unit="message",
        sigma=0.3,
        quantities=(5000, 5000, 10000, 10000, 20000, 50000, 100000),
        volume_exponent=0.741,  # $50 per 5,000 -> $460 per 100,000
        weight=0.55,
        zh=("短信群发", "短信通道", "三网短信群发", "营销短信群发", "群发短信"),
        en=("bulk SMS", "SMS blast", "SMS spam service"),
        cls="条",
        noun_zh="短信",
        noun_en="sms",
    ),
    _p(
        "sms_spam/imessage",
        "sms_spam",
        16.0,  # SMS's $10 per 1,000 x the mobile premium: the study's iMessage price
        per=1000,
        unit="message",
        sigma=0.3,
        quantities=(1000, 1000, 5000, 10000),
        volume_exponent=0.9,
        platform="ios",
        mobile_of="sms_spam/sms",
        weight=0.15,
        zh=(("iMessage群发", "ios"), ("imessage推送", "ios"), ("苹果imessage群发", "ios")),
        en=(("iMessage spam", "ios"), ("iMessage blast", "ios")),
        cls="条",
        noun_en="msgs",
    ),
    _p(
        "sms_spam/mms",
        "sms_spam",
        82.0,
        per=1000,
        unit="message",
        sigma=0.3,
        quantities=(1000, 1000, 5000),
        volume_exponent=0.9,
        weight=0.15,
        zh=("彩信群发", "彩信通道"),
        en=("MMS blast", "bulk MMS"),
        cls="条",
        noun_en="messages",
    ),
    _p(
        "sms_spam/modem",
        "sms_spam",
        425.0,
        unit="device",
        sigma=0.25,
        weight=0.15,
        zh=("GSM猫池", "猫池设备", "短信猫池"),
        en=("GSM modem pool", "SMS modem pool"),
        cls="台",
    ),
    _p(
        "fake_base_station/kit",
        "fake_base_station",
        7400.0,
        unit="device",
        sigma=0.2,
        zh=("伪基站", "短信服务器", "伪基站设备", "车载伪基站"),
        en=("fake base station", "IMSI catcher kit", "fake BTS kit"),
        cls="台",
    ),
    _p(
        "premium_number/year",
        "premium_number",
        9500.0,  # $2,500-36,000 a year as the 5th-95th percentiles
        period="year",
        sigma=0.8,
        zh=("SP扣费通道", "特服号", "增值业务代计费", "SP通道"),
        en=("premium rate numbers", "IPRN numbers"),
    ),
    _p(
        "ddos/day",
        "ddos",
        16.0,
        period="day",
        weight=0.4,
        zh=("DDoS", "DDOS攻击", "CC攻击", "流量攻击", "DDoS压力测试", "专业DDoS"),
        en=("DDoS service", "stresser", "booter", "L4/L7 stresser"),
    ),
    _p(
        "ddos/month",
        "ddos",
        81.0,
        period="month",
        weight=0.45,
        zh=("DDoS", "DDOS攻击", "CC攻击", "流量攻击", "DDoS压力测试", "专业DDoS"),
        en=("DDoS service", "stresser", "booter", "L4/L7 stresser"),
    ),
    _p(
        "ddos/lifetime",
        "ddos",
        500.0,
        period="lifetime",
        weight=0.15,
        zh=("DDoS攻击器", "DDoS软件", "CC攻击器"),
        en=("DDoS tool", "booter panel source", "stresser panel"),
    ),
    _p(
        "bots/pc",
        "bots",
        8.0,  # 100 Windows XP bots for $8
        per=100,
        unit="host",
        quantities=(100, 100, 200, 500, 1000),
        volume_exponent=0.95,
        weight=0.85,
        zh=(
            "肉鸡",
            ("XP肉鸡", "windows"),
            "国内肉鸡",
            "国外肉鸡",
            ("win7肉鸡", "windows"),
            "稳定肉鸡",
        ),
        en=(
            "bots",
            "fresh bots",
            "mixed bots",
            ("Windows bots", "windows"),
            ("XP bots", "windows"),
        ),
        cls="个",
        noun_zh="肉鸡",
        noun_en="bots",
    ),
    _p(
        "bots/mobile",
        "bots",
        12.8,
        per=100,
        unit="host",
        quantities=(100, 100, 200, 500),
        volume_exponent=0.95,
        platform="mobile",
        mobile_of="bots/pc",
        weight=0.15,
        zh=(("手机肉鸡", "mobile"), ("安卓肉鸡", "android")),
        en=(("Android bots", "android"), ("mobile bots", "mobile")),
        cls="个",
        noun_zh="肉鸡",
        noun_en="bots",
    ),
    _p(
        "rat/year",
        "rat",
        158.0,  # $97-258 a year as the 5th-95th percentiles
        period="year",
        sigma=0.3,
        weight=0.55,
        zh=("远控", "灰鸽子远控", "远程控制软件", "远控软件", "大灰狼远控"),
        en=("RAT", "remote access trojan", "private RAT"),
    ),
    _p(
        "rat/month",
        "rat",
        25.0,
        period="month",
        sigma=0.3,
        weight=0.15,
        zh=("远控", "灰鸽子远控", "远程控制软件", "远控软件"),
        en=("RAT", "private RAT"),
    ),
    _p(
        "rat/mobile",
        "rat",
        252.8,
        period="year",
        sigma=0.3,
        platform="android",
        mobile_of="rat/year",
        weight=0.3,
        zh=(("安卓远控", "android"), ("手机远控", "mobile"), ("安卓远程控制", "android")),
        en=(("Android RAT", "android"), ("mobile RAT", "mobile")),
    ),
    _p(
        "malware/pc",
        "malware",
        40.0,
        sigma=0.5,
        weight=0.55,
        zh=("木马免杀", "免杀服务", "盗号木马", "键盘记录木马", "木马定制"),
        en=("FUD crypter", "stealer", "keylogger build", "crypting service"),
    ),
    _p(
        "malware/mobile",
        "malware",
        64.0,  # kits from 100 yuan up
        sigma=0.5,
        platform="mobile",
        mobile_of="malware/pc",
        weight=0.45,
        zh=(("手机木马", "mobile"), ("安卓木马", "android"), ("手机病毒源码", "mobile")),
        en=(("Android malware kit", "android"), ("mobile trojan kit", "mobile")),
    ),
    _p(
        "dns_attack/job",
        "dns_attack",
        323.0,
        sigma=0.3,
        zh=("DNS劫持", "域名劫持", "DNS污染"),
        en=("DNS hijacking", "domain hijack service", "DNS hijack"),
    ),
    _p(
        "phishing/web",
        "phishing",
        80.0,
        sigma=0.45,
        weight=0.7,
        zh=(("钓鱼网站", "web"), "钓鱼页面", ("银行钓鱼网站", "web"), "仿站钓鱼"),
        en=("phishing page", "phishing kit", "scam page"),
    ),
    _p(
        "phishing/mobile",
        "phishing",
        128.0,
        sigma=0.45,
        platform="mobile",
        mobile_of="phishing/web",
        weight=0.3,
        zh=(("手机钓鱼页面", "mobile"), ("手机版钓鱼页面", "mobile")),
        en=(("mobile phishing page", "mobile"), ("mobile phishing kit", "mobile")),
    ),
    _p(
        "web_intrusion/job",
        "web_intrusion",
        150.0,
        sigma=0.6,
        zh=("拿站", ("网站入侵", "web"), "入侵拿shell", "拿站提权"),
        en=(("site hacking", "web"), "shell access", "SQLi db dumping", ("website hacking", "web")),
    ),
    _p(
        "stolen_data/records",
        "stolen_data",
        30.0,
        per=10000,
        unit="record",
        sigma=0.5,
        quantities=(10000, 10000, 50000, 100000),
        volume_exponent=0.85,
        zh=("公民信息", "车主数据", "股民数据", "社工库数据"),
        en=("leads", "fresh leads", "database dump"),
        cls="条",
        noun_en="leads",
    ),
    _p(
        "carding/card",
        "carding",
        8.0,
        unit="card",
        sigma=0.45,
        zh=("信用卡料", "国外CVV", "轨道料"),
        en=("CVV", "fresh CVV", "dumps"),
        cls="条",
    ),
    _p(
        "accounts/qq",
        "accounts",
        30.0,
        per=100,
        unit="account",
        sigma=0.45,
        quantities=(100, 100, 500, 1000),
        volume_exponent=0.9,
        zh=("QQ白号", "QQ老号", "微信老号", "游戏账号"),
        en=("aged accounts", "PVA accounts"),
        cls="个",
        noun_en="accounts",
    ),
    _p(
        "hosting/month",
        "hosting",
        80.0,
        period="month",
        sigma=0.4,
        zh=("高防服务器", "国外服务器", "防御服务器", "国外VPS"),
        en=("bulletproof hosting", "offshore VPS", "bulletproof VPS"),
    ),
    _p(
        "tutorials/course",
        "tutorials",
        30.0,
        sigma=0.6,
        zh=("黑客教程", "黑客培训", "黑客技术教学", "黑客入门视频教程"),
        en=("hacking course", "hacking tutorial", "hacking lessons"),
    ),
    _p(
        "phone_numbers/code",
        "phone_numbers",
        0.15,
        unit="number",
        sigma=0.4,
        zh=("接码", "接码平台", "短信验证码接收"),
        en=("SMS verification", "OTP receiving", "virtual numbers"),
        cls="条",
    ),
)


def products(mobile_premium: float, medians: dict[str, float] | None = None) -> list[Product]:
    """The catalog with planted medians: overrides applied, mobile variants at the premium."""
    medians = medians or {}
    base = {p.key: replace(p, median_usd=medians.get(p.key, p.median_usd)) for p in BASE_PRODUCTS}
    out = []
    for p in base.values():
        if p.mobile_of and p.key not in medians:
            of = base[p.mobile_of]
            p = replace(p, median_usd=of.median_usd / of.per * p.per * mobile_premium)
        out.append(p)
    return out


CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(p.category for p in BASE_PRODUCTS))
