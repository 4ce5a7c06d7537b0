using TaskFlow.Api.QuickAdd;

namespace TaskFlow.UnitTests.QuickAdd;

/// <summary>
/// The phrase table: what each line becomes, read at a fixed moment in a fixed zone. Expected values are written as
/// <see cref="Describe"/> prints a result: the title, then only the fields the line set, the due moment with its offset
/// (so DST shows), the RRULE as stored.
/// </summary>
public sealed class QuickAddParserTests
{
    /// <summary>Thursday 3 December 2026, 10:00 in Berlin (UTC+1), dates written month first.</summary>
    private static readonly QuickAddContext Berlin = At("2026-12-03T10:00:00+01:00", "Europe/Berlin");

    public static readonly TheoryData<string, string> Dates = new()
    {
        { "Buy milk today", "Buy milk | due:2026-12-03" },
        { "Buy milk tod", "Buy milk | due:2026-12-03" },
        { "Call mom tomorrow", "Call mom | due:2026-12-04" },
        { "Call mom tmrw", "Call mom | due:2026-12-04" },
        { "Call mom tmr", "Call mom | due:2026-12-04" },
        { "Pack tonight", "Pack | due:2026-12-03T20:00:00+01:00" },
        { "Water plants yesterday", "Water plants | due:2026-12-02" },
        { "Dentist day after tomorrow", "Dentist | due:2026-12-05" },
        { "Dentist the day after tomorrow", "Dentist | due:2026-12-05" },
        { "Gym friday", "Gym | due:2026-12-04" },
        { "Gym on friday", "Gym | due:2026-12-04" },
        { "Gym on fri", "Gym | due:2026-12-04" },
        { "Gym thursday", "Gym | due:2026-12-10" },
        { "Gym this thursday", "Gym | due:2026-12-03" },
        { "Gym this fri", "Gym | due:2026-12-04" },
        { "Gym next friday", "Gym | due:2026-12-11" },
        { "Gym next monday", "Gym | due:2026-12-07" },
        { "Gym next sun", "Gym | due:2026-12-13" },
        { "Review next week", "Review | due:2026-12-07" },
        { "Review next month", "Review | due:2027-01-01" },
        { "Review next year", "Review | due:2027-01-01" },
        { "Hike this weekend", "Hike | due:2026-12-05" },
        { "Hike next weekend", "Hike | due:2026-12-12" },
        { "Hike on weekend", "Hike | due:2026-12-05" },
        { "Renew in 3 days", "Renew | due:2026-12-06" },
        { "Renew in a week", "Renew | due:2026-12-10" },
        { "Renew in 2 weeks", "Renew | due:2026-12-17" },
        { "Renew in two weeks", "Renew | due:2026-12-17" },
        { "Renew in 1 month", "Renew | due:2027-01-03" },
        { "Renew in 6 months", "Renew | due:2027-06-03" },
        { "Renew in a year", "Renew | due:2027-12-03" },
        { "Check oven in 30 minutes", "Check oven | due:2026-12-03T10:30:00+01:00" },
        { "Check oven in 2 hours", "Check oven | due:2026-12-03T12:00:00+01:00" },
        { "Check oven in 45 min", "Check oven | due:2026-12-03T10:45:00+01:00" },
        { "Check oven in 90m", "Check oven | due:2026-12-03T11:30:00+01:00" },
        { "Check oven in an hour", "Check oven | due:2026-12-03T11:00:00+01:00" },
        { "Pay invoice end of month", "Pay invoice | due:2026-12-31" },
        { "Pay invoice end of the month", "Pay invoice | due:2026-12-31" },
        { "Pay invoice by end of month", "Pay invoice | due:2026-12-31" },
        { "Taxes end of year", "Taxes | due:2026-12-31" },
        { "Party dec 24", "Party | due:2026-12-24" },
        { "Party december 24", "Party | due:2026-12-24" },
        { "Party dec 24th", "Party | due:2026-12-24" },
        { "Party 24 dec", "Party | due:2026-12-24" },
        { "Party 24th of december", "Party | due:2026-12-24" },
        { "Party on the 24th of december", "Party | due:2026-12-24" },
        { "Party dec 24 2027", "Party | due:2027-12-24" },
        { "Party dec 24, 2027", "Party | due:2027-12-24" },
        { "Party 2026-12-24", "Party | due:2026-12-24" },
        { "Party 12/24", "Party | due:2026-12-24" },
        { "Party 12/24/2027", "Party | due:2027-12-24" },
        { "Party 12/24/27", "Party | due:2027-12-24" },
        // Month first, 24 is no month: not a date, so it stays in the title rather than being read the other way.
        { "Party 24/12", "Party 24/12" },
        { "Dentist 12/11", "Dentist | due:2026-12-11" },
        { "Dentist mar 3", "Dentist | due:2027-03-03" },
        { "Dentist jan 5", "Dentist | due:2027-01-05" },
        { "Dentist dec 3", "Dentist | due:2026-12-03" },
        { "Dentist dec 2", "Dentist | due:2027-12-02" },
        { "Dentist feb 29", "Dentist | due:2028-02-29" },
        { "Dentist feb 30", "Dentist feb 30" },
        { "Dentist 2026-02-30", "Dentist 2026-02-30" },
        { "Dentist on the 15th", "Dentist | due:2026-12-15" },
        { "Dentist by the 1st", "Dentist | due:2027-01-01" },
        { "Dentist on the 31st", "Dentist | due:2026-12-31" },
        { "Dentist on 15th", "Dentist | due:2026-12-15" },
        { "May 5 call", "call | due:2027-05-05" },
        { "Report due friday", "Report | due:2026-12-04" },
        { "Report due on monday", "Report | due:2026-12-07" },
        { "Report due by mon", "Report | due:2026-12-07" },
        { "Report before friday", "Report | due:2026-12-04" },
    };

    public static readonly TheoryData<string, string> NotDates = new()
    {
        // Short day names and month names are words too: alone they stay in the title.
        { "Buy sun cream", "Buy sun cream" },
        { "Sat exam prep", "Sat exam prep" },
        { "Call may", "Call may" },
        { "Read chapter 5", "Read chapter 5" },
        { "Buy 2 tickets", "Buy 2 tickets" },
        { "Meet at Joe's", "Meet at Joe's" },
        { "Email bob@example.com", "Email bob@example.com" },
        { "Call Bob at 25:00", "Call Bob at 25:00" },
        { "Call Bob at 9:75", "Call Bob at 9:75" },
        { "Call Bob at 13pm", "Call Bob at 13pm" },
        { "Put it in 3 d", "Put it in 3 d" },
        { "Morning run", "Morning run" },
        { "Read the 5th chapter", "Read the 5th chapter" },
        { "Call Bob remind me 30 minutes", "Call Bob remind me 30 minutes" },
        { "Fix bug p4", "Fix bug p4" },
        { "every now and then", "every now and then" },
    };

    public static readonly TheoryData<string, string> Times = new()
    {
        { "Call Bob at 5pm", "Call Bob | due:2026-12-03T17:00:00+01:00" },
        { "Call Bob at 5 pm", "Call Bob | due:2026-12-03T17:00:00+01:00" },
        { "Call Bob 5pm", "Call Bob | due:2026-12-03T17:00:00+01:00" },
        { "Call Bob at 5:30pm", "Call Bob | due:2026-12-03T17:30:00+01:00" },
        { "Call Bob at 5:30 p.m.", "Call Bob | due:2026-12-03T17:30:00+01:00" },
        // A time already past today means tomorrow.
        { "Call Bob at 9am", "Call Bob | due:2026-12-04T09:00:00+01:00" },
        { "Call Bob at 10am", "Call Bob | due:2026-12-04T10:00:00+01:00" },
        { "Call Bob at 17:30", "Call Bob | due:2026-12-03T17:30:00+01:00" },
        { "Call Bob 17:30", "Call Bob | due:2026-12-03T17:30:00+01:00" },
        { "Call Bob at 17", "Call Bob | due:2026-12-03T17:00:00+01:00" },
        // A bare hour after "at" is a 24-hour clock.
        { "Call Bob at 9", "Call Bob | due:2026-12-04T09:00:00+01:00" },
        { "Call Bob at noon", "Call Bob | due:2026-12-03T12:00:00+01:00" },
        { "Lunch noon", "Lunch | due:2026-12-03T12:00:00+01:00" },
        { "Call Bob at 12am", "Call Bob | due:2026-12-04T00:00:00+01:00" },
        { "Call Bob at 12pm", "Call Bob | due:2026-12-03T12:00:00+01:00" },
        { "Call Bob by 5pm", "Call Bob | due:2026-12-03T17:00:00+01:00" },
        { "Call Bob around 4pm", "Call Bob | due:2026-12-03T16:00:00+01:00" },
        { "Call Bob tomorrow at 9am", "Call Bob | due:2026-12-04T09:00:00+01:00" },
        { "Call Bob tomorrow morning", "Call Bob | due:2026-12-04T09:00:00+01:00" },
        { "Call Bob friday evening", "Call Bob | due:2026-12-04T18:00:00+01:00" },
        { "Call Bob this afternoon", "Call Bob | due:2026-12-03T15:00:00+01:00" },
        { "Call Bob this evening", "Call Bob | due:2026-12-03T18:00:00+01:00" },
        { "Call Bob in the evening", "Call Bob | due:2026-12-03T18:00:00+01:00" },
        { "Call Bob dec 24 at 3pm", "Call Bob | due:2026-12-24T15:00:00+01:00" },
        { "Call Bob at 3pm tomorrow", "Call Bob | due:2026-12-04T15:00:00+01:00" },
        { "Call Bob next friday at 08:15", "Call Bob | due:2026-12-11T08:15:00+01:00" },
    };

    public static readonly TheoryData<string, string> Repeats = new()
    {
        { "Stand-up every day", "Stand-up | due:2026-12-03 | every:FREQ=DAILY" },
        { "Stand-up daily", "Stand-up | due:2026-12-03 | every:FREQ=DAILY" },
        { "Stand-up every day at 9am", "Stand-up | due:2026-12-04T09:00:00+01:00 | every:FREQ=DAILY" },
        { "Stand-up every weekday", "Stand-up | due:2026-12-03 | every:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
        { "Stand-up every weekday at 9:30", "Stand-up | due:2026-12-04T09:30:00+01:00 | every:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
        { "Stand-up every workday", "Stand-up | due:2026-12-03 | every:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
        { "Laundry every weekend", "Laundry | due:2026-12-05 | every:FREQ=WEEKLY;BYDAY=SA,SU" },
        { "Gym every monday", "Gym | due:2026-12-07 | every:FREQ=WEEKLY;BYDAY=MO" },
        { "Gym every mon and thu", "Gym | due:2026-12-03 | every:FREQ=WEEKLY;BYDAY=MO,TH" },
        { "Gym every mon, wed and fri", "Gym | due:2026-12-04 | every:FREQ=WEEKLY;BYDAY=MO,WE,FR" },
        { "Gym every tuesday at 6pm", "Gym | due:2026-12-08T18:00:00+01:00 | every:FREQ=WEEKLY;BYDAY=TU" },
        { "Gym each sunday", "Gym | due:2026-12-06 | every:FREQ=WEEKLY;BYDAY=SU" },
        { "Team sync every week", "Team sync | due:2026-12-03 | every:FREQ=WEEKLY" },
        { "Team sync weekly", "Team sync | due:2026-12-03 | every:FREQ=WEEKLY" },
        { "Team sync weekly on monday", "Team sync | due:2026-12-07 | every:FREQ=WEEKLY" },
        { "Sprint review every 2 weeks on fri", "Sprint review | due:2026-12-04 | every:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR" },
        { "Sprint review every other week", "Sprint review | due:2026-12-03 | every:FREQ=WEEKLY;INTERVAL=2" },
        { "Sprint review fortnightly", "Sprint review | due:2026-12-03 | every:FREQ=WEEKLY;INTERVAL=2" },
        { "Pay rent every month", "Pay rent | due:2026-12-03 | every:FREQ=MONTHLY" },
        { "Pay rent monthly", "Pay rent | due:2026-12-03 | every:FREQ=MONTHLY" },
        { "Pay rent every month on the 1st", "Pay rent | due:2027-01-01 | every:FREQ=MONTHLY;BYMONTHDAY=1" },
        { "Pay rent every month on the 1st at 9am #bills !high", "Pay rent | due:2027-01-01T09:00:00+01:00 | every:FREQ=MONTHLY;BYMONTHDAY=1 | priority:high | tags:bills" },
        { "Pay rent every 1st", "Pay rent | due:2027-01-01 | every:FREQ=MONTHLY;BYMONTHDAY=1" },
        { "Pay rent every 15th", "Pay rent | due:2026-12-15 | every:FREQ=MONTHLY;BYMONTHDAY=15" },
        { "Pay rent every last day of the month", "Pay rent | due:2026-12-31 | every:FREQ=MONTHLY;BYMONTHDAY=-1" },
        { "Book club every last friday", "Book club | due:2026-12-25 | every:FREQ=MONTHLY;BYDAY=-1FR" },
        { "Book club every first monday", "Book club | due:2026-12-07 | every:FREQ=MONTHLY;BYDAY=1MO" },
        { "Book club every 2nd tuesday", "Book club | due:2026-12-08 | every:FREQ=MONTHLY;BYDAY=2TU" },
        { "Book club every month on the last friday", "Book club | due:2026-12-25 | every:FREQ=MONTHLY;BYDAY=-1FR" },
        { "Book club every third thursday of the month", "Book club | due:2026-12-17 | every:FREQ=MONTHLY;BYDAY=3TH" },
        { "Check meter every 3 months", "Check meter | due:2026-12-03 | every:FREQ=MONTHLY;INTERVAL=3" },
        { "Check meter every three months", "Check meter | due:2026-12-03 | every:FREQ=MONTHLY;INTERVAL=3" },
        { "Birthday every year on mar 3", "Birthday | due:2027-03-03 | every:FREQ=YEARLY;BYMONTHDAY=3;BYMONTH=3" },
        { "Birthday every mar 3", "Birthday | due:2027-03-03 | every:FREQ=YEARLY;BYMONTHDAY=3;BYMONTH=3" },
        { "Birthday every march 3rd", "Birthday | due:2027-03-03 | every:FREQ=YEARLY;BYMONTHDAY=3;BYMONTH=3" },
        { "Birthday every 3rd of march", "Birthday | due:2027-03-03 | every:FREQ=YEARLY;BYMONTHDAY=3;BYMONTH=3" },
        { "Leap day party every feb 29", "Leap day party | due:2028-02-29 | every:FREQ=YEARLY;BYMONTHDAY=29;BYMONTH=2" },
        { "Birthday yearly", "Birthday | due:2026-12-03 | every:FREQ=YEARLY" },
        { "Birthday annually", "Birthday | due:2026-12-03 | every:FREQ=YEARLY" },
        { "Water plants every 2 days", "Water plants | due:2026-12-03 | every:FREQ=DAILY;INTERVAL=2" },
        { "Water plants every other day", "Water plants | due:2026-12-03 | every:FREQ=DAILY;INTERVAL=2" },
        { "Stand-up every weekday until jun 1", "Stand-up | due:2026-12-03 | every:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270601" },
        // A timed series ends with the last second of its UNTIL day in the task's zone, in UTC (RFC 5545).
        { "Stand-up every day at 9am until dec 31", "Stand-up | due:2026-12-04T09:00:00+01:00 | every:FREQ=DAILY;UNTIL=20261231T225959Z" },
        { "Physio every monday for 5 times", "Physio | due:2026-12-07 | every:FREQ=WEEKLY;BYDAY=MO;COUNT=5" },
        { "Physio every monday 5 times", "Physio | due:2026-12-07 | every:FREQ=WEEKLY;BYDAY=MO;COUNT=5" },
        { "Physio every day starting monday", "Physio | due:2026-12-07 | every:FREQ=DAILY" },
        { "Physio every day from jan 5", "Physio | due:2027-01-05 | every:FREQ=DAILY" },
        { "Physio every week starting on dec 10", "Physio | due:2026-12-10 | every:FREQ=WEEKLY" },
        { "Physio tomorrow every day", "Physio | due:2026-12-04 | every:FREQ=DAILY" },
        { "Report every friday !low @work", "Report | due:2026-12-04 | every:FREQ=WEEKLY;BYDAY=FR | priority:low | category:work" },
    };

    public static readonly TheoryData<string, string> Labels = new()
    {
        { "Fix bug !high", "Fix bug | priority:high" },
        { "Fix bug !low", "Fix bug | priority:low" },
        { "Fix bug !medium", "Fix bug | priority:medium" },
        { "Fix bug !med", "Fix bug | priority:medium" },
        { "Fix bug p1", "Fix bug | priority:high" },
        { "Fix bug P3", "Fix bug | priority:low" },
        { "Fix bug !1", "Fix bug | priority:high" },
        { "!high Fix bug", "Fix bug | priority:high" },
        { "Fix bug #work #urgent", "Fix bug | tags:work,urgent" },
        { "Fix bug #Work #work", "Fix bug | tags:work" },
        { "Fix #123 bug", "Fix bug | tags:123" },
        { "Fix bug #client-a", "Fix bug | tags:client-a" },
        { "Fix bug @Office", "Fix bug | category:Office" },
        // The first counts; a second category or priority stays where the user can see it was not taken.
        { "Fix bug @office @home", "Fix bug @home | category:office" },
        { "Fix bug !high !low", "Fix bug !low | priority:high" },
        { "Fix bug @42", "Fix bug @42" },
        { "Ship it tomorrow #release @work p1", "Ship it | due:2026-12-04 | priority:high | category:work | tags:release" },
    };

    public static readonly TheoryData<string, string> Reminders = new()
    {
        { "Call Bob at 5pm remind me 30 min before", "Call Bob | due:2026-12-03T17:00:00+01:00 | remind:PT30M" },
        { "Call Bob tomorrow at 9am remind me 1 hour before", "Call Bob | due:2026-12-04T09:00:00+01:00 | remind:PT1H" },
        { "Call Bob tomorrow at 9am remind me an hour early", "Call Bob | due:2026-12-04T09:00:00+01:00 | remind:PT1H" },
        { "Flight dec 20 at 7am remind me a day before", "Flight | due:2026-12-20T07:00:00+01:00 | remind:P1D" },
        { "Flight dec 20 at 7am remind 2h before", "Flight | due:2026-12-20T07:00:00+01:00 | remind:PT2H" },
        { "Flight dec 20 at 7am remind me 2 weeks before", "Flight | due:2026-12-20T07:00:00+01:00 | remind:P14D" },
        { "Remind me 15 minutes before: call Bob at 5pm", "call Bob | due:2026-12-03T17:00:00+01:00 | remind:PT15M" },
    };

    public static readonly TheoryData<string, string> Titles = new()
    {
        { "Pay rent, every month", "Pay rent | due:2026-12-03 | every:FREQ=MONTHLY" },
        { "Tomorrow: call the bank", "call the bank | due:2026-12-04" },
        { "tomorrow at 5pm", " | due:2026-12-04T17:00:00+01:00" },
        { "Call mom friday, then dad", "Call mom, then dad | due:2026-12-04" },
        { "Meet friday or monday", "Meet or monday | due:2026-12-04" },
        { "Meet at 5pm or 6pm", "Meet or 6pm | due:2026-12-03T17:00:00+01:00" },
        { "  Spaces   everywhere   tomorrow  ", "Spaces everywhere | due:2026-12-04" },
        { "Ünïcode tâsk démain tomorrow #café", "Ünïcode tâsk démain | due:2026-12-04 | tags:café" },
    };

    [Theory]
    [MemberData(nameof(Dates))]
    [MemberData(nameof(NotDates))]
    [MemberData(nameof(Times))]
    [MemberData(nameof(Repeats))]
    [MemberData(nameof(Labels))]
    [MemberData(nameof(Reminders))]
    [MemberData(nameof(Titles))]
    public void A_line_read_in_Berlin_on_a_Thursday_morning(string text, string expected) =>
        Assert.Equal(expected, Describe(QuickAddParser.Parse(text, Berlin)));

    public static readonly TheoryData<string, string> DayFirst = new()
    {
        { "Party 24/12", "Party | due:2026-12-24" },
        { "Dentist 12/11", "Dentist | due:2027-11-12" },
        { "Party 12/24", "Party 12/24" },
        { "Party 1/2/2027", "Party | due:2027-02-01" },
        { "Call Bob 24/12 at 15:00", "Call Bob | due:2026-12-24T15:00:00+01:00" },
        { "Party dec 24", "Party | due:2026-12-24" },
    };

    [Theory]
    [MemberData(nameof(DayFirst))]
    public void Numeric_dates_follow_a_day_first_locale(string text, string expected) =>
        Assert.Equal(expected, Describe(QuickAddParser.Parse(text, Berlin with { DateOrder = DateOrder.DayFirst })));

    public static readonly TheoryData<string, string, string, string> AcrossClockChanges = new()
    {
        // Berlin springs forward on 28 March 2027 at 02:00: 02:30 does not exist that night and becomes 03:30.
        { "2027-03-27T10:00:00+01:00", "Europe/Berlin", "Bake tomorrow at 2:30", "Bake | due:2027-03-28T03:30:00+02:00" },
        { "2027-03-27T10:00:00+01:00", "Europe/Berlin", "Bake tomorrow at 9am", "Bake | due:2027-03-28T09:00:00+02:00" },
        { "2027-03-27T10:00:00+01:00", "Europe/Berlin", "Bake today at 9pm", "Bake | due:2027-03-27T21:00:00+01:00" },
        // 24 hours later is 11:00 on the wall clock after the jump.
        { "2027-03-27T10:00:00+01:00", "Europe/Berlin", "Check oven in 24 hours", "Check oven | due:2027-03-28T11:00:00+02:00" },
        { "2027-03-27T10:00:00+01:00", "Europe/Berlin", "Stand-up every day at 9am", "Stand-up | due:2027-03-28T09:00:00+02:00 | every:FREQ=DAILY" },
        // Berlin falls back on 31 October 2027 at 03:00: 02:30 happens twice, and the first one counts.
        { "2027-10-30T10:00:00+02:00", "Europe/Berlin", "Bake tomorrow at 2:30", "Bake | due:2027-10-31T02:30:00+02:00" },
        { "2027-10-30T10:00:00+02:00", "Europe/Berlin", "Stand-up every day at 9am", "Stand-up | due:2027-10-31T09:00:00+01:00 | every:FREQ=DAILY" },
        { "2027-03-13T12:00:00-05:00", "America/New_York", "Call at 2:15am tomorrow", "Call | due:2027-03-14T03:15:00-04:00" },
        { "2027-03-13T12:00:00-05:00", "America/New_York", "Call tomorrow at noon", "Call | due:2027-03-14T12:00:00-04:00" },
        // The zone decides what today is: 23:30 in New York is already tomorrow in UTC.
        { "2026-12-03T23:30:00-05:00", "America/New_York", "Call today", "Call | due:2026-12-03" },
        { "2026-12-04T04:30:00+00:00", "UTC", "Call today", "Call | due:2026-12-04" },
        { "2026-12-03T18:00:00+09:00", "Asia/Tokyo", "Call tonight", "Call | due:2026-12-03T20:00:00+09:00" },
    };

    [Theory]
    [MemberData(nameof(AcrossClockChanges))]
    public void Times_are_wall_clock_times_in_the_users_zone_across_clock_changes(string now, string zone, string text, string expected) =>
        Assert.Equal(expected, Describe(QuickAddParser.Parse(text, At(now, zone))));

    public static readonly TheoryData<string, string, string> AtMonthEnds = new()
    {
        // Sunday 31 January 2027.
        { "2027-01-31T10:00:00+00:00", "Renew in 1 month", "Renew | due:2027-02-28" },
        { "2027-01-31T10:00:00+00:00", "Renew end of month", "Renew | due:2027-01-31" },
        { "2027-01-31T10:00:00+00:00", "Pay every month on the 31st", "Pay | due:2027-01-31 | every:FREQ=MONTHLY;BYMONTHDAY=31" },
        { "2027-01-31T10:00:00+00:00", "Pay on the 30th", "Pay | due:2027-03-30" },
        { "2027-01-31T10:00:00+00:00", "Pay every last day", "Pay | due:2027-01-31 | every:FREQ=MONTHLY;BYMONTHDAY=-1" },
        { "2027-01-31T10:00:00+00:00", "Pay next month", "Pay | due:2027-02-01" },
        { "2027-01-31T10:00:00+00:00", "Pay tomorrow", "Pay | due:2027-02-01" },
        { "2027-01-31T10:00:00+00:00", "Pay monday", "Pay | due:2027-02-01" },
        { "2027-01-31T10:00:00+00:00", "Pay next monday", "Pay | due:2027-02-01" },
        // Thursday 31 December 2026.
        { "2026-12-31T15:00:00+00:00", "Party next year", "Party | due:2027-01-01" },
        { "2026-12-31T15:00:00+00:00", "Party jan 1", "Party | due:2027-01-01" },
        { "2026-12-31T15:00:00+00:00", "Party in 2 months", "Party | due:2027-02-28" },
        { "2026-12-31T15:00:00+00:00", "Party tomorrow at 1am", "Party | due:2027-01-01T01:00:00+00:00" },
        { "2026-12-31T15:00:00+00:00", "Party end of year", "Party | due:2026-12-31" },
        // Monday 28 February 2028, a leap year.
        { "2028-02-28T09:00:00+00:00", "File tomorrow", "File | due:2028-02-29" },
        { "2028-02-28T09:00:00+00:00", "File end of month", "File | due:2028-02-29" },
        { "2028-02-28T09:00:00+00:00", "File in 1 year", "File | due:2029-02-28" },
    };

    [Theory]
    [MemberData(nameof(AtMonthEnds))]
    public void Month_and_year_ends_land_on_real_dates(string now, string text, string expected) =>
        Assert.Equal(expected, Describe(QuickAddParser.Parse(text, At(now, "UTC"))));

    [Fact]
    public void The_understood_words_are_marked_where_they_stand()
    {
        const string text = "Pay rent every month on the 1st at 9am #bills !high";
        var result = QuickAddParser.Parse(text, Berlin);

        Assert.Equal(
            [("recurrence", "every month on the 1st"), ("due", "at 9am"), ("tags", "#bills"), ("priority", "!high")],
            result.Spans.Select(s => (s.Field, s.Text)));
        Assert.All(result.Spans, s => Assert.Equal(s.Text, text.Substring(s.Start, s.Length)));
    }

    [Theory]
    [InlineData("en-US", DateOrder.MonthFirst)]
    [InlineData("en-GB", DateOrder.DayFirst)]
    [InlineData("de-DE", DateOrder.DayFirst)]
    [InlineData("ja-JP", DateOrder.MonthFirst)]
    public void A_locale_gives_its_date_order(string locale, DateOrder expected)
    {
        Assert.True(Words.TryDateOrder(locale, out var order));
        Assert.Equal(expected, order);
    }

    [Theory]
    [InlineData("no-such-locale-at-all")]
    [InlineData("")]
    public void An_unknown_locale_is_not_guessed(string locale) => Assert.False(Words.TryDateOrder(locale, out _));

    private static QuickAddContext At(string now, string zone) => new(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), zone, DateOrder.MonthFirst);

    /// <summary>The title, then each field the line set, in the order a task lists them.</summary>
    private static string Describe(QuickAddResult result)
    {
        var body = result.ToTaskBody();
        var parts = new List<string> { result.Title };
        if ((body["due_at"] ?? body["due_date"]) is { } due) parts.Add($"due:{due.GetValue<string>()}");
        if (result.Recurrence is { } rule) parts.Add($"every:{rule}");
        if (body["priority"] is { } priority) parts.Add($"priority:{priority.GetValue<string>()}");
        if (result.Category is { } category) parts.Add($"category:{category}");
        if (result.Tags.Count > 0) parts.Add($"tags:{string.Join(',', result.Tags)}");
        if (body["remind_before"] is { } before) parts.Add($"remind:{before.GetValue<string>()}");
        return string.Join(" | ", parts);
    }
}
