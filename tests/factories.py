"""factory_boy factories for the domain; exposed as fixtures in conftest.py."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from journeymap.maps.models import JourneyMap
from journeymap.workspaces.models import Membership, Role, Workspace
from personas.models import Channel, CustomerProfile, Feature, Persona, Segment


@cache
def _pw_hash() -> str:
    return make_password("pw")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    # One hash of "pw" shared by every user: hashing it afresh per user (PBKDF2, on purpose
    # slow) was most of the time the suite spent building its fixtures.
    password = factory.LazyFunction(_pw_hash)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Channel {n}")
    kind = "web"


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Faker("name")
    goals = ["Get it done quickly"]


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")
    rules = {"field": "age", "op": "between", "value": [18, 25]}


class FeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feature

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Feature {n}")


def born_aged(age: int | None) -> date | None:
    """A birth date 100 days past the customer's last birthday, so `age` holds all day."""
    if age is None:
        return None
    today = timezone.localdate()
    anniversary = date(today.year - age, today.month, min(today.day, 28))
    return anniversary - timedelta(days=100)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    workspace = factory.SubFactory(WorkspaceFactory)
    external_id = factory.Sequence(lambda n: f"C{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    class Params:
        age: int | None = None  # a birth date that makes the customer this old today

    birth_date = factory.LazyAttribute(lambda o: born_aged(o.age))


class MapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyMap

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Journey {n}")
