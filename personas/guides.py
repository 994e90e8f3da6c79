"""The default interview guide every workspace starts with: the classic buyer-persona
interview. Question ids are fixed words, so notes taken with it stay comparable."""

from __future__ import annotations

DEFAULT_GUIDE_NAME = "Buyer persona interview"
DEFAULT_GUIDE_DESCRIPTION = (
    "The classic buyer-persona questions. Interview 6–10 people for every two personas; "
    "ask for stories, not opinions, and note their own words."
)
DEFAULT_QUESTIONS: list[dict[str, str]] = [
    {"id": "company", "text": "What does your company do? Which industry, how large is it?"},
    {"id": "role", "text": "What is your role, and what is your job title?"},
    {"id": "measured", "text": "How is your job measured? How do you know you are doing well?"},
    {"id": "reporting", "text": "Who do you report to, and who reports to you?"},
    {"id": "typical-day", "text": "What does a typical day look like for you?"},
    {"id": "skills", "text": "What skills do you need to do your job?"},
    {
        "id": "success",
        "text": "What are you responsible for, and what does success mean in your role?",
    },
    {"id": "challenges", "text": "What are your biggest challenges?"},
    {"id": "publications", "text": "Which blogs, newsletters and publications do you read?"},
    {"id": "associations", "text": "Which associations or communities do you belong to?"},
    {"id": "social", "text": "Which social networks do you use, and for what?"},
    {"id": "career", "text": "What has your career path been? How did you get where you are?"},
    {"id": "personal", "text": "Tell me about your personal background (family, where you live)."},
    {"id": "education", "text": "What is your educational background?"},
    {"id": "vendors", "text": "How do you prefer to deal with vendors: email, phone, in person?"},
    {"id": "research-online", "text": "How do you research new vendors and products online?"},
    {
        "id": "recent-purchase",
        "text": "Tell me about a recent purchase decision: why, who was involved, how you chose.",
    },
    {"id": "anything-else", "text": "Is there anything else you would like to tell us?"},
]
