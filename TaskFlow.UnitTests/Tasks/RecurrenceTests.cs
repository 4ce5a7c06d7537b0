using TaskFlow.Api.Tasks;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>Next occurrences as a calendar user expects them (RFC 5545 semantics, computed by Ical.Net).</summary>
public sealed class RecurrenceTests
{
    [Theory]
    [InlineData("daily", "FREQ=DAILY")]
    [InlineData("Weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")]
    [InlineData("weekly", "FREQ=WEEKLY")]
    [InlineData("monthly", "FREQ=MONTHLY")]
    [InlineData("yearly", "FREQ=YEARLY")]
    [InlineData("every 3 days", "FREQ=DAILY;INTERVAL=3")]
    [InlineData("every 1 week", "FREQ=WEEKLY")]
    [InlineData("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2")]
    [InlineData("every 6 months", "FREQ=MONTHLY;INTERVAL=6")]
    [InlineData("RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=6", "FREQ=MONTHLY;COUNT=6;BYMONTHDAY=31")]
    public void Presets_and_rules_normalize_to_an_rrule(string text, string expected)
    {
        Assert.True(Recurrence.TryNormalize(text, out var rule, out var error), error);
        Assert.Equal(expected, rule);
    }

    [Theory]
    [InlineData("fortnightly", "not a recurrence")]
    [InlineData("FREQ=SOMETIMES", "not a recurrence")]
    [InlineData("BYDAY=MO", "FREQ")]
    [InlineData("FREQ=HOURLY", "at most daily")]
    [InlineData("FREQ=DAILY;INTERVAL=x", "not a recurrence")]
    [InlineData("every 0 days", "1 to 365")]
    [InlineData("FREQ=DAILY;COUNT=0", "COUNT")]
    // Numbers beyond 32 bits overflowed the parser (500s before).
    [InlineData("FREQ=DAILY;INTERVAL=2147483648", "not a recurrence")]
    [InlineData("FREQ=DAILY;COUNT=99999999999", "not a recurrence")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=99999999999", "not a recurrence")]
    [InlineData("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=99999999999", "not a recurrence")]
    [InlineData("FREQ=YEARLY;BYWEEKNO=99999999999", "not a recurrence")]
    [InlineData("FREQ=YEARLY;BYYEARDAY=99999999999", "not a recurrence")]
    [InlineData("FREQ=YEARLY;BYMONTH=99999999999", "not a recurrence")]
    [InlineData("FREQ=DAILY;BYHOUR=99999999999", "not a recurrence")]
    public void Invalid_rules_say_what_is_wrong(string text, string problem)
    {
        Assert.False(Recurrence.TryNormalize(text, out _, out var error));
        Assert.Contains(problem, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Weekdays_skip_the_weekend()
    {
        // Friday 2026-11-27 → Monday 2026-11-30.
        Assert.Equal(new DateOnly(2026, 11, 30), Date(Next("weekdays", new DateTime(2026, 11, 27), "UTC", allDay: true, index: 1)));
    }

    [Fact]
    public void A_monthly_task_on_the_31st_skips_months_without_one()
    {
        var start = new DateTime(2026, 1, 31, 9, 0, 0);
        Assert.Equal(new DateOnly(2026, 3, 31), Date(Next("monthly", start, "UTC", allDay: true, index: 1)));
        Assert.Equal(new DateOnly(2026, 5, 31), Date(Next("monthly", start, "UTC", allDay: true, index: 2)));
    }

    [Fact]
    public void A_yearly_task_on_february_29_comes_back_in_leap_years()
    {
        Assert.Equal(new DateOnly(2028, 2, 29), Date(Next("yearly", new DateTime(2024, 2, 29), "UTC", allDay: true, index: 1)));
    }

    [Fact]
    public void A_daily_nine_oclock_task_stays_at_nine_local_across_dst_forward_and_back()
    {
        var spring = Next("daily", new DateTime(2026, 3, 28, 9, 0, 0), "Europe/Berlin", allDay: false, index: 1)!.Value;
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T07:00:00Z"), spring); // 09:00 CEST (+02:00), the day after the switch
        var autumn = Next("daily", new DateTime(2026, 10, 24, 9, 0, 0), "Europe/Berlin", allDay: false, index: 1)!.Value;
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T08:00:00Z"), autumn); // 09:00 CET (+01:00)
        var newYork = Next("daily", new DateTime(2026, 3, 7, 9, 0, 0), "America/New_York", allDay: false, index: 1)!.Value;
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T13:00:00Z"), newYork); // 09:00 EDT (-04:00)
    }

    [Fact]
    public void Count_ends_the_series()
    {
        var start = new DateTime(2026, 11, 27);
        Assert.NotNull(Next("FREQ=DAILY;COUNT=3", start, "UTC", allDay: true, index: 2));
        Assert.Null(Next("FREQ=DAILY;COUNT=3", start, "UTC", allDay: true, index: 3));
    }

    [Fact]
    public void Until_ends_the_series()
    {
        var start = new DateTime(2026, 11, 27);
        Assert.Equal(new DateOnly(2026, 11, 29), Date(Next("FREQ=DAILY;UNTIL=20261129", start, "UTC", allDay: true, index: 2)));
        Assert.Null(Next("FREQ=DAILY;UNTIL=20261129", start, "UTC", allDay: true, index: 3));
    }

    /// <summary>
    /// From a task due 2026-12-15 (a Tuesday) that the rule itself would not produce: the next occurrence is the rule's
    /// first date after it (each of these came one occurrence late before).
    /// </summary>
    [Theory]
    [InlineData("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1", "2026-12-29", "2027-01-26")]
    [InlineData("FREQ=MONTHLY;BYDAY=+5FR", "2027-01-29", "2027-04-30")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=-31", "2027-01-01", "2027-03-01")]
    [InlineData("FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO", "2026-12-28", "2032-12-27")]
    [InlineData("FREQ=YEARLY;BYYEARDAY=366", "2028-12-31", "2032-12-31")]
    public void By_rules_continue_with_their_first_date_after_the_start(string rule, string next, string after)
    {
        foreach (var allDay in new[] { true, false })
        {
            var start = new DateTime(2026, 12, 15, 9, 0, 0);
            var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
            DateOnly LocalDate(int index) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Next(rule, start, "Europe/Berlin", allDay, index)!.Value, berlin).DateTime);
            Assert.Equal(new DateOnly(2026, 12, 15), LocalDate(0));
            Assert.Equal(DateOnly.Parse(next), LocalDate(1));
            Assert.Equal(DateOnly.Parse(after), LocalDate(2));
        }
    }

    [Fact]
    public void A_series_that_would_pass_the_year_8999_ends_there()
    {
        var start = new DateTime(8996, 2, 29);
        Assert.Equal(new DateOnly(8999, 1, 1), Date(Next("yearly", new DateTime(8998, 1, 1), "UTC", allDay: true, index: 1)));
        Assert.Null(Next("yearly", new DateTime(8998, 1, 1), "UTC", allDay: true, index: 2));
        Assert.Null(Next("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", start, "UTC", allDay: true, index: 1));
    }

    [Theory]
    [InlineData("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "can never match")]
    [InlineData("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "can never match")]
    [InlineData("FREQ=DAILY;UNTIL=20261201", "UNTIL")]
    [InlineData("FREQ=WEEKLY;UNTIL=20261214T235959Z", "UNTIL")]
    public void A_rule_without_a_next_occurrence_is_a_problem_naming_why(string rule, string problem)
    {
        var start = new DateTime(2026, 12, 15, 9, 0, 0);
        Assert.Contains(problem, Recurrence.SeriesProblem(rule, start, "UTC", allDay: false));
        Assert.Null(Recurrence.SeriesProblem("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", start, "UTC", allDay: false));
        Assert.Null(Recurrence.SeriesProblem("FREQ=DAILY;COUNT=1", start, "UTC", allDay: false));
    }

    private static DateTimeOffset? Next(string text, DateTime start, string timeZone, bool allDay, int index)
    {
        Assert.True(Recurrence.TryNormalize(text, out var rule, out var error), error);
        return Recurrence.Occurrence(rule, start, timeZone, allDay, index);
    }

    private static DateOnly Date(DateTimeOffset? value) => DateOnly.FromDateTime(value!.Value.DateTime);
}
