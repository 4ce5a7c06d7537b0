using TaskFlow.Api.Tasks;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>Recurrences as the assistant says them; a rule beyond its words is shown as it is, never mistold.</summary>
public sealed class TaskWordsTests
{
    [Theory]
    [InlineData("FREQ=DAILY", "daily")]
    [InlineData("FREQ=DAILY;INTERVAL=2", "every 2 days")]
    [InlineData("FREQ=WEEKLY", "weekly")]
    [InlineData("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday")]
    [InlineData("FREQ=WEEKLY;BYDAY=SA,SU", "every weekend")]
    [InlineData("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "every 2 weeks on Fri")]
    [InlineData("FREQ=WEEKLY;BYDAY=MO,TH", "weekly on Mon, Thu")]
    [InlineData("FREQ=MONTHLY", "monthly")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=1", "monthly on the 1st")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=22", "monthly on the 22nd")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=11", "monthly on the 11th")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day")]
    [InlineData("FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Friday")]
    [InlineData("FREQ=MONTHLY;BYDAY=2TU", "monthly on the second Tuesday")]
    [InlineData("FREQ=MONTHLY;INTERVAL=3", "every 3 months")]
    [InlineData("FREQ=YEARLY;BYMONTHDAY=3;BYMONTH=3", "yearly on 3 March")]
    [InlineData("FREQ=YEARLY", "yearly")]
    [InlineData("FREQ=WEEKLY;BYDAY=MO;COUNT=5", "weekly on Mon, 5 times")]
    [InlineData("FREQ=DAILY;UNTIL=20261231T225959Z", "daily, until 31 Dec 2026")]
    [InlineData("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270601", "every weekday, until 1 Jun 2027")]
    // Beyond the words: shown as the rule.
    [InlineData("FREQ=MONTHLY;BYDAY=MO,FR", "FREQ=MONTHLY;BYDAY=MO,FR")]
    [InlineData("FREQ=YEARLY;BYWEEKNO=20", "FREQ=YEARLY;BYWEEKNO=20")]
    [InlineData("FREQ=MONTHLY;BYDAY=5XX", "FREQ=MONTHLY;BYDAY=5XX")]
    [InlineData("FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=XX")]
    public void A_rule_reads_as_people_say_it(string rule, string expected) => Assert.Equal(expected, TaskWords.Recurrence(rule));
}
