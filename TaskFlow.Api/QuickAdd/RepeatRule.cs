using System.Globalization;
using System.Text;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.QuickAdd;

public enum RepeatFrequency { Daily, Weekly, Monthly, Yearly }

/// <summary>A weekday in a rule: every Friday (ordinal 0), the first Monday (1) or the last Friday (-1) of the month.</summary>
public readonly record struct RuleDay(DayOfWeek Day, int Ordinal = 0);

/// <summary>
/// What "every ..." said, as the parts of an RFC 5545 RRULE: it finds the series' first date when the sentence names
/// none, and writes the RRULE the task stores.
/// </summary>
public sealed class RepeatRule(RepeatFrequency frequency, int interval = 1)
{
    public RepeatFrequency Frequency { get; } = frequency;
    public int Interval { get; } = interval;
    public List<RuleDay> Days { get; init; } = [];
    /// <summary>A day of the month, or -1 for its last day.</summary>
    public int? MonthDay { get; init; }
    public int? Month { get; init; }
    public int? Count { get; set; }
    public DateOnly? Until { get; set; }

    /// <summary>Whether <paramref name="date"/> is one the rule produces (the interval aside: the first date starts the count).</summary>
    public bool Matches(DateOnly date)
    {
        var daysInMonth = DateTime.DaysInMonth(date.Year, date.Month);
        if (Month is { } month && date.Month != month) return false;
        if (MonthDay is { } day && date.Day != (day == -1 ? daysInMonth : day)) return false;
        if (Days.Count > 0 && !Days.Any(d => d.Day == date.DayOfWeek && d.Ordinal switch
            {
                0 => true,
                -1 => date.Day + 7 > daysInMonth,
                var n => (date.Day - 1) / 7 + 1 == n,
            }))
            return false;
        return true;
    }

    /// <summary>
    /// The first date from <paramref name="today"/> the rule produces; today only while <paramref name="time"/> is
    /// still ahead. Eight years cover every rule that matches at all (the 29th of February included).
    /// </summary>
    public DateOnly? FirstDate(DateOnly today, TimeOnly now, TimeOnly? time)
    {
        for (var date = today; date < today.AddYears(8); date = date.AddDays(1))
        {
            if (date == today && time is { } at && at <= now) continue;
            if (Matches(date)) return date;
        }
        return null;
    }

    /// <summary>
    /// The RRULE. UNTIL is inclusive of its whole day: a date for an all-day series, and for a timed one (where RFC
    /// 5545 asks for UTC) the last second of that day in the task's zone.
    /// </summary>
    public string ToRRule(bool timed, string timeZone)
    {
        var rule = new StringBuilder("FREQ=").Append(Frequency.ToString().ToUpperInvariant());
        if (Interval > 1) rule.Append(CultureInfo.InvariantCulture, $";INTERVAL={Interval}");
        if (Days.Count > 0)
            rule.Append(";BYDAY=").AppendJoin(',', Days.Select(d => (d.Ordinal == 0 ? "" : d.Ordinal.ToString(CultureInfo.InvariantCulture)) + d.Day.ToString()[..2].ToUpperInvariant()));
        if (MonthDay is { } monthDay) rule.Append(CultureInfo.InvariantCulture, $";BYMONTHDAY={monthDay}");
        if (Month is { } month) rule.Append(CultureInfo.InvariantCulture, $";BYMONTH={month}");
        if (Count is { } count) rule.Append(CultureInfo.InvariantCulture, $";COUNT={count}");
        if (Until is { } until)
            rule.Append(";UNTIL=").Append(timed
                ? TaskTime.EndOfDay(until, timeZone).AddSeconds(-1).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
                : until.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        return rule.ToString();
    }
}
