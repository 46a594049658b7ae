"""Display names of the extractor's categories, in English with the market's own word."""

from __future__ import annotations

CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "fake_base_station": ("Fake base stations", "伪基站"),
    "premium_number": ("Premium-rate numbers", "扣费号码"),
    "phone_numbers": ("Phone numbers", "手机号"),
    "sms_spam": ("SMS spam", "短信群发"),
    "ddos": ("DDoS for hire", "流量攻击"),
    "bots": ("Bots / compromised hosts", "肉鸡"),
    "rat": ("Remote-access trojans", "远控"),
    "malware": ("Malware and crypting", "木马免杀"),
    "dns_attack": ("DNS attacks", "DNS劫持"),
    "phishing": ("Phishing kits and pages", "钓鱼"),
    "web_intrusion": ("Website intrusion", "拿站"),
    "stolen_data": ("Stolen personal data", "公民信息"),
    "carding": ("Carding", "信用卡"),
    "accounts": ("Accounts", "账号"),
    "money_laundering": ("Money laundering", "洗钱"),
    "traffic_seo": ("Traffic and SEO", "刷流量"),
    "fraud": ("Fraud", "诈骗"),
    "hosting": ("Bulletproof hosting, VPS", "服务器"),
    "gambling": ("Gambling", "博彩"),
    "drugs": ("Drugs", "毒品"),
    "tutorials": ("Tutorials and training", "教程"),
    "other": ("Other", "其他"),
}

MARKET_NAMES: dict[str, str] = {
    "observed": "Sellers observed (a lower bound)",
    "lincoln_petersen": "Lincoln-Petersen (Chapman), two halves of the groups",
    "chao": "Chao's lower bound, groups as occasions",
}


def category_name(category: object) -> str:
    """``Bots / compromised hosts (肉鸡)`` for ``bots``; unknown ids as they are."""
    if category is None or (isinstance(category, float) and category != category):
        return "No category found"
    key = str(category)
    if key == "(all)":
        return "All comparable rows, pooled"
    if key not in CATEGORY_NAMES:
        return key
    english, chinese = CATEGORY_NAMES[key]
    return f"{english} ({chinese})"


def basis(unit: object, billing_period: object, kind: object = None) -> str:
    """What one price buys, from the price index's unit, billing period and basis
    (``package``: a quantity; ``unit``: per unit; ``period``: billed; ``flat``)."""
    unit = unit if isinstance(unit, str) and unit else None
    billed = billing_period if isinstance(billing_period, str) and billing_period else None
    if kind == "package":
        head = f"package of {unit}s" if unit else "package"
    elif unit:
        head = f"per {unit}"
    elif billed or kind == "period":
        head = ""
    else:
        head = "flat price" if kind == "flat" else "per offer"
    if billed:
        tail = "lifetime" if billed == "lifetime" else f"per {billed}"
        head = f"{head}, {tail}" if head else tail
    return head
