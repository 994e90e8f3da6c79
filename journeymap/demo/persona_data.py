"""The four Northwind personas, written from (imagined) interviews and order data.

Plain data: `personas.py` turns each entry into a Persona row with a generated portrait.
`reviewed_days_ago` against `review_cadence_days` decides staleness: Tom is overdue on purpose,
so the demo shows the review reminder.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

PERSONAS: dict[str, dict[str, Any]] = {
    "maya": {
        "name": "Maya Okafor",
        "tier": "primary",
        "color": "#0f766e",
        "portrait": {"skin": "#8d5524", "hair": "#2b1b12", "shirt": "#f97316", "long_hair": True},
        "bio": (
            "The weekend trail runner. A physiotherapist who runs the fells most Saturdays and "
            "plans her kit around races. Buys on her phone in the evening, from brands her "
            "running club trusts."
        ),
        "quotes": [
            "If the sizing chart lies to me once, I don't come back.",
            "I want to know it'll arrive before Saturday, not 'in 3–5 working days'.",
        ],
        "age": 29,
        "gender": "Female",
        "location": "Leeds, UK",
        "income": "£38,000",
        "education": "BSc Physiotherapy",
        "family": "Shares a flat with a friend; no children",
        "job_title": "Physiotherapist",
        "company": "Leeds Teaching Hospitals NHS Trust",
        "personality": ["Organised", "Competitive", "Sociable"],
        "values": ["Reliability", "Fair prices", "Brands that look after the outdoors"],
        "interests": ["Fell running", "Parkrun", "Wild swimming", "Podcasts"],
        "lifestyle": (
            "Early starts and long shifts in the week, races and club runs at the weekend. "
            "Shops in short bursts on her phone, usually after 9 pm."
        ),
        "behaviours": [
            "Reads three or four reviews before any purchase over £50",
            "Saves items to a wishlist and waits for a club discount code",
            "Orders two sizes when unsure and returns one",
            "Follows athletes and brands on Instagram and Strava",
        ],
        "goals": [
            "Kit that lasts a full season of races",
            "Get the right size first time",
            "Spend less time shopping, more time running",
        ],
        "needs": [
            "Honest fit information from runners like her",
            "Guaranteed delivery dates",
            "Easy returns from her phone",
        ],
        "pain_points": [
            "Sizes vary wildly between brands",
            "Parcels arrive while she is at work",
            "Discount codes that fail at checkout",
        ],
        "motivations": ["Beating last year's race time", "Being part of the club", "Value"],
        "expectations": [
            "Next-day delivery for in-stock items",
            "Order tracking without logging in",
            "Loyalty points that actually add up",
        ],
        "objections": [
            "Cheaper on Amazon",
            "Not sure the shoe will suit wide feet",
        ],
        "channels": ["app", "social", "email"],
        "preferred_content": [
            "Short fit videos on real runners",
            "Race-prep kit lists",
            "Customer reviews with photos",
        ],
        "empathy_map": {
            "says": ["Does it come up small?", "Can I get it by Friday?"],
            "thinks": ["I can't afford to get this wrong before race day"],
            "does": ["Screenshots sizing charts", "Asks the club WhatsApp group"],
            "feels": ["Excited about new kit", "Anxious about fit and delivery"],
        },
        "lifetime_value": Decimal("1850.00"),
        "churn_risk": "low",
        "review_cadence_days": 90,
        "reviewed_days_ago": 21,
        "notes": [
            (
                "Interview: club runners, March",
                "Six of eight runners order two sizes of trail shoes. All want a fit guide "
                "that compares with brands they already own.",
                "Five in-person interviews, Roundhay parkrun",
            ),
        ],
    },
    "tom": {
        "name": "Tom Brennan",
        "tier": "primary",
        "color": "#b45309",
        "portrait": {"skin": "#f1c27d", "hair": "#6b4423", "shirt": "#166534"},
        "bio": (
            "The family camper. A geography teacher who takes his partner and two children "
            "camping every school holiday. Researches on a laptop, buys the big items in store "
            "so the kids can try them."
        ),
        "quotes": [
            "I need a tent I can put up in the rain with two kids 'helping'.",
            "Just tell me if it's in stock at the Bristol store before I drive there.",
        ],
        "age": 41,
        "gender": "Male",
        "location": "Bristol, UK",
        "income": "£72,000 household",
        "education": "PGCE, BA Geography",
        "family": "Married, two children (7 and 10)",
        "job_title": "Secondary school geography teacher",
        "company": "Ashton Park School",
        "personality": ["Practical", "Careful with money", "Patient"],
        "values": ["Durability", "Safety", "Time together as a family"],
        "interests": ["Camping", "Cycling", "Scouts volunteering", "Map reading"],
        "lifestyle": (
            "Term time is busy; holidays are planned months ahead. Big purchases are family "
            "decisions made at the kitchen table with a spreadsheet."
        ),
        "behaviours": [
            "Builds a kit list in a spreadsheet before each trip",
            "Checks store stock online, then visits to see the item",
            "Buys during the Easter and summer sales",
            "Reads the long reviews, not the star rating",
        ],
        "goals": [
            "Gear that survives several years of family trips",
            "One trip to the store, not three",
            "Keep the holiday budget under control",
        ],
        "needs": [
            "Accurate store stock",
            "Clear size guides for children's clothing",
            "Advice he can trust from staff who camp",
        ],
        "pain_points": [
            "Website says in stock, store says sold out",
            "Kids outgrow clothing within a season",
            "Pitching demos only on weekdays",
        ],
        "motivations": ["Memorable holidays", "Teaching the kids outdoor skills", "Value"],
        "expectations": [
            "Reserve online and pick up the same day",
            "Staff who know the products",
            "Price match with other retailers",
        ],
        "objections": [
            "Premium brands cost too much for kids who grow",
            "Worried a tent won't fit the car boot",
        ],
        "channels": ["web", "store", "email"],
        "preferred_content": [
            "Family camping checklists",
            "Pitching videos",
            "Side-by-side tent comparisons",
        ],
        "empathy_map": {
            "says": ["Will this still be good in three summers?"],
            "thinks": ["I don't want to waste a Saturday on a wasted trip"],
            "does": ["Compares tent floor plans", "Phones the store before visiting"],
            "feels": ["Responsible for the family's comfort", "Frustrated by stock surprises"],
        },
        "lifetime_value": Decimal("2400.00"),
        "churn_risk": "medium",
        "review_cadence_days": 90,
        # Overdue: last reviewed well over one cadence ago.
        "reviewed_days_ago": 160,
        "notes": [
            (
                "Store visit diary, Cribbs Causeway",
                "Families spend 40 minutes on average in the tent area; most leave without "
                "buying when the model on display is out of stock.",
                "Store observation, two Saturdays",
            ),
        ],
    },
    "priya": {
        "name": "Priya Raman",
        "tier": "secondary",
        "color": "#7c3aed",
        "portrait": {"skin": "#c68642", "hair": "#1b1b1b", "shirt": "#be123c", "long_hair": True},
        "bio": (
            "The gear-obsessed alpinist. A software engineer who climbs in the Highlands and the "
            "Alps and reads spec sheets for fun. Spends a lot, asks hard questions, and expects "
            "the kit to be repaired rather than replaced."
        ),
        "quotes": [
            "Tell me the hydrostatic head and the weight, not 'adventure-ready'.",
            "I'd rather pay for a repair than throw away a £400 jacket.",
        ],
        "age": 34,
        "gender": "Female",
        "location": "Edinburgh, UK",
        "income": "£61,000",
        "education": "MEng Computer Science",
        "family": "Lives with her partner; no children",
        "job_title": "Senior software engineer",
        "company": "Skyline Payments",
        "personality": ["Analytical", "Independent", "Sceptical"],
        "values": ["Performance", "Repairability", "Transparency"],
        "interests": ["Winter mountaineering", "Ski touring", "Gear forums", "Photography"],
        "lifestyle": (
            "Works remotely four days a week and heads north on Fridays. Plans each season's "
            "kit in a notebook and replaces items only when they fail."
        ),
        "behaviours": [
            "Compares technical specs across three or four retailers",
            "Asks questions by chat before buying anything over £200",
            "Reads independent gear tests and forum threads",
            "Sends kit for repair rather than replacing it",
        ],
        "goals": [
            "The lightest kit that is safe in winter conditions",
            "Keep gear in service for years",
            "Get expert answers quickly",
        ],
        "needs": [
            "Complete technical data",
            "Access to specialists who climb",
            "A repair service with clear turnaround times",
        ],
        "pain_points": [
            "Marketing copy instead of specifications",
            "Chat agents who read from a script",
            "Repairs that take six weeks with no updates",
        ],
        "motivations": ["Safety in the mountains", "Mastery", "Sustainability"],
        "expectations": [
            "Specialist advice by chat or phone",
            "Repair tracking like parcel tracking",
            "Early access to new technical lines",
        ],
        "objections": [
            "Specialist shops know more",
            "No evidence of the brand's repair record",
        ],
        "channels": ["web", "phone", "email"],
        "preferred_content": [
            "Technical spec sheets",
            "Long-form gear tests",
            "Repair and care guides",
        ],
        "empathy_map": {
            "says": ["What's the packed weight?", "Can this be re-proofed?"],
            "thinks": ["Most retail staff don't climb"],
            "does": ["Keeps a gear spreadsheet", "Posts on UKClimbing forums"],
            "feels": ["Confident in her judgement", "Impatient with vague answers"],
        },
        "lifetime_value": Decimal("3900.00"),
        "churn_risk": "medium",
        "review_cadence_days": 180,
        "reviewed_days_ago": 45,
        "notes": [
            (
                "Repair service survey",
                "Customers who used the repair service spent 2.3× more in the following year, "
                "but 60% called to ask about progress at least once.",
                "Survey of 212 repair customers",
            ),
        ],
    },
    "jake": {
        "name": "Jake Lindqvist",
        "tier": "negative",
        "color": "#475569",
        "portrait": {"skin": "#ffdbac", "hair": "#d4a95a", "shirt": "#0ea5e9"},
        "bio": (
            "The serial returner. A student who buys during flash sales, orders several sizes "
            "and colours, and returns most of it. Useful to understand, costly to design for: "
            "we do not optimise journeys for him."
        ),
        "quotes": [
            "I'll order all three colours and see which looks best in the mirror.",
            "If there's no discount code I'll just wait for the next sale.",
        ],
        "age": 22,
        "gender": "Male",
        "location": "Manchester, UK",
        "income": "£14,000 (part-time work and loan)",
        "education": "Undergraduate, BA Marketing",
        "family": "Student house with four housemates",
        "job_title": "Student and part-time barista",
        "company": "University of Manchester",
        "personality": ["Impulsive", "Trend-led", "Deal-seeking"],
        "values": ["Price", "Looking good", "Free returns"],
        "interests": ["Festivals", "Streetwear", "TikTok", "Five-a-side football"],
        "lifestyle": (
            "Irregular hours between lectures and shifts. Shops on his phone in bed, mostly "
            "prompted by social media ads and sale notifications."
        ),
        "behaviours": [
            "Buys only with a discount code",
            "Returns over 60% of what he orders",
            "Abandons baskets to trigger reminder discounts",
            "Wears the outdoor look in town, not on the hills",
        ],
        "goals": ["Look good for festival season", "Pay as little as possible"],
        "needs": ["Free returns", "Fast delivery before weekends", "Sale alerts"],
        "pain_points": [
            "Return fees",
            "Refunds that take more than a week",
            "Sold-out sizes in the sale",
        ],
        "motivations": ["Social approval", "Getting a bargain"],
        "expectations": ["Free next-day delivery", "Instant refunds"],
        "objections": ["Full price is never worth it"],
        "channels": ["social", "app"],
        "preferred_content": ["TikTok try-on videos", "Sale countdowns", "Influencer picks"],
        "empathy_map": {
            "says": ["Got a code?"],
            "thinks": ["I can always send it back"],
            "does": ["Orders three sizes", "Screenshots outfits for his group chat"],
            "feels": ["Thrill at a bargain", "Annoyed when refunds are slow"],
        },
        "lifetime_value": Decimal("140.00"),
        "churn_risk": "high",
        "review_cadence_days": 180,
        "reviewed_days_ago": 30,
        "notes": [
            (
                "Returns analysis, last two quarters",
                "Customers matching this profile account for 4% of orders and 19% of returns; "
                "their net margin is negative after postage and handling.",
                "Order and returns data export",
            ),
        ],
    },
}
