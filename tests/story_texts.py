"""Texts for the story tests, written for them: two different stories about
the same company on the same day, and ways to copy an article."""

from __future__ import annotations

CHIP = [
    "Nvidia unveiled the Vera accelerator on Tuesday at its developer conference in San Jose, "
    "promising twice the training throughput of the chip it replaces at the same power draw.",
    "Jensen Huang told the audience that the first systems would ship to cloud providers in the "
    "autumn, with Microsoft and Oracle named as launch customers for the new racks.",
    "The company said the accelerator pairs a redesigned memory controller with a faster "
    "interconnect, which lets thousands of chips act as one machine during training runs.",
    "Analysts at the conference said supply of advanced packaging remains the main constraint, "
    "and that demand from model developers still exceeds what the foundries can deliver.",
    "Shares rose three percent in late trading as investors weighed the launch against the "
    "cost of building the new production lines that the design requires this year.",
]
EARNINGS = [
    "Nvidia reported quarterly revenue well above forecasts on Wednesday, driven by sales of "
    "data centre hardware to the largest cloud companies and to sovereign buyers.",
    "Jensen Huang said on the call with analysts that orders for the coming year were already "
    "larger than the company could fill, and that lead times had stretched again.",
    "The gaming division shrank for a second quarter while the automotive unit grew slowly, "
    "leaving the data centre business with almost nine tenths of all sales.",
    "Gross margins narrowed slightly because of the cost of ramping new products, the chief "
    "financial officer said, though she expected them to recover by the end of the year.",
    "The results lifted other chip stocks in extended trading, and suppliers of memory and "
    "packaging equipment gained the most on hopes of larger orders.",
]
ROBOTS = [
    "A warehouse robotics start-up in Lyon raised forty million euros to expand into Germany, "
    "its founders said, after a year in which orders from grocery chains doubled.",
    "The robots pick mixed items from shelves using cameras and suction grippers, and the "
    "company claims they handle nine in ten products found in a typical supermarket.",
    "Investors in the round include two pension funds and a logistics group that already "
    "runs the machines in three of its distribution centres near Paris.",
    "The founders plan to hire engineers in Munich and to open a service centre for customers "
    "in the north of the country before the end of next year.",
]

BOILERPLATE = (
    "This story first appeared on a partner site and is republished with permission. "
    "Subscribe to our newsletter for the day's news."
)


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def syndicated(paragraphs: list[str], *, drop: int | None = None) -> str:
    """A copy: boilerplate before and after, a paragraph dropped, a word changed."""
    kept = [p for i, p in enumerate(paragraphs) if i != drop]
    kept[0] = kept[0].replace(" said", " stated", 1).replace(" on ", " this ", 1)
    return body([BOILERPLATE, *kept, BOILERPLATE])
