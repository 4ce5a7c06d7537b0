using System.Globalization;
using System.Text.RegularExpressions;

namespace TaskFlow.Api.QuickAdd;

/// <summary>One word of a quick-add line: its lower-case text (trailing commas and full stops left off) and where it sits.</summary>
public readonly record struct Word(string Text, int Start, int End);

/// <summary>How a numeric date such as 12/11 is read: month first (en-US) or day first (most other locales).</summary>
public enum DateOrder { MonthFirst, DayFirst }

/// <summary>A length of time as people say it ("30 min", "2 weeks").</summary>
public enum TimeUnit { Minutes, Hours, Days, Weeks, Months, Years }

/// <summary>The vocabulary of quick add: the tables the parser looks words up in.</summary>
public static partial class Words
{
    public static readonly IReadOnlyDictionary<string, DayOfWeek> DayNames = new Dictionary<string, DayOfWeek>
    {
        ["monday"] = DayOfWeek.Monday, ["tuesday"] = DayOfWeek.Tuesday, ["wednesday"] = DayOfWeek.Wednesday,
        ["thursday"] = DayOfWeek.Thursday, ["friday"] = DayOfWeek.Friday, ["saturday"] = DayOfWeek.Saturday,
        ["sunday"] = DayOfWeek.Sunday,
    };

    /// <summary>
    /// Short day names are also English words ("sun", "sat", "wed"): they count as days only after a word that asks for
    /// one (on, by, every, next, ...), so "Buy sun cream" keeps its title.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, DayOfWeek> ShortDayNames = new Dictionary<string, DayOfWeek>
    {
        ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["tues"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday,
        ["thu"] = DayOfWeek.Thursday, ["thur"] = DayOfWeek.Thursday, ["thurs"] = DayOfWeek.Thursday, ["fri"] = DayOfWeek.Friday,
        ["sat"] = DayOfWeek.Saturday, ["sun"] = DayOfWeek.Sunday,
    };

    public static readonly IReadOnlyDictionary<string, int> MonthNames = new Dictionary<string, int>
    {
        ["january"] = 1, ["jan"] = 1, ["february"] = 2, ["feb"] = 2, ["march"] = 3, ["mar"] = 3, ["april"] = 4, ["apr"] = 4,
        ["may"] = 5, ["june"] = 6, ["jun"] = 6, ["july"] = 7, ["jul"] = 7, ["august"] = 8, ["aug"] = 8,
        ["september"] = 9, ["sep"] = 9, ["sept"] = 9, ["october"] = 10, ["oct"] = 10, ["november"] = 11, ["nov"] = 11,
        ["december"] = 12, ["dec"] = 12,
    };

    public static readonly IReadOnlyDictionary<string, int> NumberWords = new Dictionary<string, int>
    {
        ["a"] = 1, ["an"] = 1, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6,
        ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["twelve"] = 12,
    };

    /// <summary>The nth weekday of a month ("every last friday"): -1 is the last.</summary>
    public static readonly IReadOnlyDictionary<string, int> WeekdayOrdinals = new Dictionary<string, int>
    {
        ["first"] = 1, ["1st"] = 1, ["second"] = 2, ["2nd"] = 2, ["third"] = 3, ["3rd"] = 3, ["fourth"] = 4, ["4th"] = 4,
        ["last"] = -1,
    };

    /// <summary>Times of day a person names instead of a clock time ("tomorrow morning").</summary>
    public static readonly IReadOnlyDictionary<string, TimeOnly> DayParts = new Dictionary<string, TimeOnly>
    {
        ["morning"] = new(9, 0), ["noon"] = new(12, 0), ["midday"] = new(12, 0), ["afternoon"] = new(15, 0),
        ["evening"] = new(18, 0), ["night"] = new(20, 0),
    };

    public static readonly IReadOnlyDictionary<string, TimeUnit> Units = new Dictionary<string, TimeUnit>
    {
        ["m"] = TimeUnit.Minutes, ["min"] = TimeUnit.Minutes, ["mins"] = TimeUnit.Minutes, ["minute"] = TimeUnit.Minutes, ["minutes"] = TimeUnit.Minutes,
        ["h"] = TimeUnit.Hours, ["hr"] = TimeUnit.Hours, ["hrs"] = TimeUnit.Hours, ["hour"] = TimeUnit.Hours, ["hours"] = TimeUnit.Hours,
        ["d"] = TimeUnit.Days, ["day"] = TimeUnit.Days, ["days"] = TimeUnit.Days,
        ["w"] = TimeUnit.Weeks, ["wk"] = TimeUnit.Weeks, ["wks"] = TimeUnit.Weeks, ["week"] = TimeUnit.Weeks, ["weeks"] = TimeUnit.Weeks,
        ["month"] = TimeUnit.Months, ["months"] = TimeUnit.Months,
        ["y"] = TimeUnit.Years, ["yr"] = TimeUnit.Years, ["yrs"] = TimeUnit.Years, ["year"] = TimeUnit.Years, ["years"] = TimeUnit.Years,
    };

    /// <summary>Words and their positions: split at white space; a trailing comma, full stop, colon or semicolon is punctuation, not part of the word.</summary>
    public static List<Word> Split(string text)
    {
        var words = new List<Word>();
        foreach (Match match in NonSpace().Matches(text))
        {
            var end = match.Index + match.Length;
            while (end > match.Index + 1 && text[end - 1] is ',' or '.' or ';' or ':' or '?') end--;
            // The full stop of "p.m." is part of the word.
            if (end < match.Index + match.Length && text[end] == '.' && text.AsSpan(match.Index, end - match.Index).EndsWith(".m", StringComparison.OrdinalIgnoreCase)) end++;
            words.Add(new(text[match.Index..end].ToLowerInvariant(), match.Index, end));
        }
        return words;
    }

    /// <summary>A day of the month written 1-31, 1st, 2nd, 3rd, 4th ... 31st.</summary>
    public static int? DayOfMonth(string word)
    {
        var match = DayNumber().Match(word);
        if (!match.Success) return null;
        var day = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (day is < 1 or > 31) return null;
        if (match.Groups[2].Success && match.Groups[2].Value != OrdinalSuffix(day)) return null;
        return day;
    }

    /// <summary>A day of the month written as an ordinal only (1st, 15th): "the 15th".</summary>
    public static int? OrdinalDay(string word) => OrdinalSuffixed().IsMatch(word) ? DayOfMonth(word) : null;

    public static int? Number(string word) =>
        NumberWords.TryGetValue(word, out var number) ? number
        : word.Length <= 4 && int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out number) ? number
        : null;

    public static int? Year(string word) =>
        word.Length == 4 && int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 8999 ? year : null;

    private static string OrdinalSuffix(int day) => (day % 100) switch
    {
        11 or 12 or 13 => "th",
        _ => (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" },
    };

    /// <summary>The date order of a locale such as en-US or de-DE, from its short date pattern.</summary>
    public static bool TryDateOrder(string locale, out DateOrder order)
    {
        order = DateOrder.MonthFirst;
        // The empty name is the invariant culture, which is nobody's locale.
        if (string.IsNullOrWhiteSpace(locale)) return false;
        CultureInfo culture;
        try
        {
            culture = CultureInfo.GetCultureInfo(locale, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
        var pattern = culture.DateTimeFormat.ShortDatePattern;
        var month = pattern.IndexOf('M', StringComparison.Ordinal);
        var day = pattern.IndexOf('d', StringComparison.Ordinal);
        if (month < 0 || day < 0) return false;
        order = month < day ? DateOrder.MonthFirst : DateOrder.DayFirst;
        return true;
    }

    [GeneratedRegex(@"\S+")]
    private static partial Regex NonSpace();

    [GeneratedRegex(@"^(\d{1,2})(st|nd|rd|th)?$")]
    private static partial Regex DayNumber();

    [GeneratedRegex(@"^\d{1,2}(st|nd|rd|th)$")]
    private static partial Regex OrdinalSuffixed();
}
