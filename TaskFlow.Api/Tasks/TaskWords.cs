using System.Globalization;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// A task in a few English words, for people reading what the assistant did ("'Pay rent', due Fri 1 Jan 2027 09:00,
/// monthly on the 1st"); dates and times in the task's own zone.
/// </summary>
public static class TaskWords
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static string Describe(TaskResponse task)
    {
        var parts = new List<string> { $"'{task.Title}'" };
        if (Due(task) is { } due) parts.Add($"due {due}");
        if (task.Recurrence is { } rule) parts.Add(Recurrence(rule));
        return string.Join(", ", parts);
    }

    /// <summary>When the task is due, in its zone: "Fri 4 Dec 2026 17:00", or the day alone for a date-only task.</summary>
    public static string? Due(TaskResponse task) =>
        task.DueAt is { } at ? TaskTime.LocalTime(at, task.TimeZone).ToString("ddd d MMM yyyy HH:mm", English)
        : task.DueDate is { } date ? date.ToString("ddd d MMM yyyy", English)
        : null;

    /// <summary>An RRULE as people say it ("every 2 weeks on Fri", "monthly on the last Friday"); a rule beyond these words is shown as it is.</summary>
    public static string Recurrence(string rule)
    {
        var parts = rule.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].ToUpperInvariant(), pair => pair[1].ToUpperInvariant());
        var known = new HashSet<string> { "FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST" };
        if (parts.Keys.Any(key => !known.Contains(key)) || !parts.TryGetValue("FREQ", out var frequency)) return rule;
        var interval = parts.TryGetValue("INTERVAL", out var n) && int.TryParse(n, CultureInfo.InvariantCulture, out var every) ? every : 1;
        var days = parts.TryGetValue("BYDAY", out var byDay) ? byDay.Split(',') : [];

        string? words = frequency switch
        {
            "DAILY" => interval == 1 ? "daily" : $"every {interval} days",
            "WEEKLY" when interval == 1 && days.Order().SequenceEqual(["FR", "MO", "TH", "TU", "WE"]) => "every weekday",
            "WEEKLY" when interval == 1 && days.Order().SequenceEqual(["SA", "SU"]) => "every weekend",
            "WEEKLY" => (interval == 1 ? "weekly" : $"every {interval} weeks") + (days.Length > 0 ? " on " + string.Join(", ", days.Select(ShortDay)) : ""),
            "MONTHLY" => (interval == 1 ? "monthly" : $"every {interval} months") + MonthlyDay(parts, days),
            "YEARLY" => (interval == 1 ? "yearly" : $"every {interval} years") + YearlyDay(parts),
            _ => null,
        };
        if (words is null || words.Contains('?', StringComparison.Ordinal)) return rule;
        if (parts.TryGetValue("COUNT", out var count)) words += $", {count} times";
        if (parts.TryGetValue("UNTIL", out var until) && until.Length >= 8
            && DateOnly.TryParseExact(until[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last))
            words += $", until {last.ToString("d MMM yyyy", English)}";
        return words;
    }

    private static string MonthlyDay(Dictionary<string, string> parts, string[] days)
    {
        if (parts.TryGetValue("BYMONTHDAY", out var day))
            return day == "-1" ? " on the last day" : int.TryParse(day, CultureInfo.InvariantCulture, out var d) && d > 0 ? $" on the {Ordinal(d)}" : "?";
        if (days.Length != 1) return days.Length == 0 ? "" : "?";
        var ordinal = days[0][..^2];
        var name = LongDay(days[0][^2..]);
        return ordinal switch
        {
            "-1" => $" on the last {name}",
            "1" or "2" or "3" or "4" => $" on the {new[] { "first", "second", "third", "fourth" }[int.Parse(ordinal, CultureInfo.InvariantCulture) - 1]} {name}",
            _ => "?",
        };
    }

    private static string YearlyDay(Dictionary<string, string> parts)
    {
        if (!parts.TryGetValue("BYMONTH", out var month) && !parts.ContainsKey("BYMONTHDAY")) return "";
        if (month is null || !parts.TryGetValue("BYMONTHDAY", out var day)
            || !int.TryParse(month, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 12
            || !int.TryParse(day, CultureInfo.InvariantCulture, out var d) || d is < 1 or > 31)
            return "?";
        return $" on {d} {English.DateTimeFormat.GetMonthName(m)}";
    }

    private static string Ordinal(int day) => day + ((day % 100) is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static string ShortDay(string code) => LongDay(code) is { Length: > 3 } name ? name[..3] : "?";

    private static string LongDay(string code) => code switch
    {
        "MO" => "Monday", "TU" => "Tuesday", "WE" => "Wednesday", "TH" => "Thursday", "FR" => "Friday", "SA" => "Saturday", "SU" => "Sunday",
        _ => "?",
    };
}
