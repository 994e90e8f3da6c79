"""Payloads of the segment editor's endpoints: the grammar, the live preview and the size
history (`SegmentViewSet.fields`, `.preview`, `.snapshots`)."""

from __future__ import annotations

from rest_framework import serializers


class RuleFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["text", "number", "date"])
    operators = serializers.ListField(child=serializers.CharField())


class WithinDaysSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField()


class PurchaseGrammarSerializer(serializers.Serializer):
    aggregates = serializers.ListField(child=serializers.CharField())
    operators = serializers.ListField(child=serializers.CharField())
    within_days = WithinDaysSerializer()


class RuleGrammarSerializer(serializers.Serializer):
    fields = RuleFieldSerializer(many=True)  # type: ignore[assignment]
    purchases = PurchaseGrammarSerializer()
    products = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="with ?workspace=: the products bought there, most bought first",
    )


class PreviewInputSerializer(serializers.Serializer):
    # The view checks membership of `workspace` before this runs, so that a stranger's
    # answer (404) does not depend on the rules they sent.
    workspace = serializers.UUIDField()
    rules = serializers.JSONField()


class SampleCustomerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    external_id = serializers.CharField()
    name = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    size = serializers.IntegerField(help_text="customers the rules select")
    total = serializers.IntegerField(help_text="customers in the workspace")
    sample = SampleCustomerSerializer(many=True, help_text="the first few, by external id")


class RuleErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    path = serializers.CharField(help_text='the spot in the tree, e.g. "rules.all[1].value"')
    errors = serializers.JSONField()  # type: ignore[assignment]


class SnapshotSerializer(serializers.Serializer):
    taken_on = serializers.DateField()
    size = serializers.IntegerField()


class DaysSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=3650, default=365)
