"""The sentence above the results that says how they are ordered (conditions/ordering.py)."""

from conditions.ordering import Order, describe


def test_the_order_is_said_in_plain_words_and_never_as_a_likelihood():
    assert describe(Order.FREQUENCY) == (
        "by how many of your features its sources mention, then how often they record them "
        "among people who have it, then by name: not how likely any condition is."
    )
    assert describe(Order.NAME) == (
        "by how many of your features its sources mention, then by name: not how likely "
        "any condition is."
    )
