using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.QuickAdd;

/// <summary>When and where a line is read: "tomorrow" is a date in the user's zone, "12/11" follows their locale.</summary>
public sealed record QuickAddContext(DateTimeOffset Now, string TimeZone, DateOrder DateOrder);

/// <summary>
/// Reads one line the way people write tasks ("Pay rent every month on the 1st at 9am #bills !high") into task fields.
/// Table-driven and small: at each word it tries tags, category, priority, reminder, recurrence, date and time, in
/// that order; a word nothing claims stays in the title, and so does a second date, time, category or priority (the
/// first one counts, nothing is merged or guessed).
/// </summary>
public sealed partial class QuickAddParser
{
    private readonly string _text;
    private readonly List<Word> _words;
    private readonly QuickAddContext _context;
    private readonly DateOnly _today;
    private readonly TimeOnly _now;
    private readonly List<QuickAddSpan> _spans = [];

    private DateOnly? _date;
    private TimeOnly? _time;
    private RepeatRule? _repeat;
    private TaskPriority? _priority;
    private string? _category;
    private readonly List<string> _tags = [];
    private TimeSpan? _remindBefore;

    private QuickAddParser(string text, QuickAddContext context)
    {
        _text = text;
        _words = Words.Split(text);
        _context = context;
        var local = TaskTime.LocalTime(context.Now, context.TimeZone);
        _today = DateOnly.FromDateTime(local);
        _now = TimeOnly.FromDateTime(local);
    }

    public static QuickAddResult Parse(string text, QuickAddContext context) => new QuickAddParser(text, context).Run();

    private QuickAddResult Run()
    {
        for (var i = 0; i < _words.Count;)
            i += Tag(i) ?? Category(i) ?? Priority(i) ?? Reminder(i) ?? Repeat(i) ?? RepeatLimit(i) ?? Due(i) ?? Time(i) ?? 1;

        var date = _date;
        if (_repeat is not null) date ??= _repeat.FirstDate(_today, _now, _time);
        if (date is null && _time is { } time) date = time > _now ? _today : _today.AddDays(1);
        return new QuickAddResult(
            Title(),
            _priority,
            _category,
            _tags,
            date,
            _time,
            _repeat?.ToRRule(timed: _time is not null, _context.TimeZone),
            _remindBefore,
            _context.TimeZone,
            [.. _spans.OrderBy(s => s.Start)]);
    }

    // ---- what a word can start -------------------------------------------------------------------------------------

    private int? Tag(int i)
    {
        if (TagWord().Match(Original(i)) is not { Success: true } match) return null;
        var tag = match.Groups[1].Value.ToLowerInvariant();
        if (!_tags.Contains(tag)) _tags.Add(tag);
        return Take("tags", i, 1);
    }

    private int? Category(int i)
    {
        if (_category is not null || CategoryWord().Match(Original(i)) is not { Success: true } match) return null;
        _category = match.Groups[1].Value;
        return Take("category", i, 1);
    }

    private int? Priority(int i)
    {
        if (_priority is not null) return null;
        TaskPriority? priority = W(i) switch
        {
            "!high" or "!1" or "p1" => TaskPriority.High,
            "!medium" or "!med" or "!2" or "p2" => TaskPriority.Medium,
            "!low" or "!3" or "p3" => TaskPriority.Low,
            _ => null,
        };
        if (priority is null) return null;
        _priority = priority;
        return Take("priority", i, 1);
    }

    /// <summary>"remind me 30 min before", "remind me a day early".</summary>
    private int? Reminder(int i)
    {
        if (_remindBefore is not null || !Is(i, "remind")) return null;
        var j = i + 1;
        if (Is(j, "me")) j++;
        if (Amount(j) is not { } amount || amount.Unit > TimeUnit.Weeks) return null;
        j += amount.Count;
        if (!Is(j, "before", "early", "earlier", "ahead")) return null;
        _remindBefore = amount.Unit switch
        {
            TimeUnit.Minutes => TimeSpan.FromMinutes(amount.Number),
            TimeUnit.Hours => TimeSpan.FromHours(amount.Number),
            TimeUnit.Days => TimeSpan.FromDays(amount.Number),
            _ => TimeSpan.FromDays(7 * amount.Number),
        };
        return Take("reminder", i, j + 1 - i);
    }

    /// <summary>"every ...", "daily", "weekly", "monthly", "yearly", "annually", "fortnightly", and what limits the series right after it.</summary>
    private int? Repeat(int i)
    {
        if (_repeat is not null) return null;
        (int Count, RepeatRule Rule)? found = W(i) switch
        {
            "daily" => (1, new(RepeatFrequency.Daily)),
            "weekly" => (1, new(RepeatFrequency.Weekly)),
            "fortnightly" => (1, new(RepeatFrequency.Weekly, 2)),
            "monthly" => (1, new(RepeatFrequency.Monthly)),
            "yearly" or "annually" => (1, new(RepeatFrequency.Yearly)),
            "every" or "each" when RepeatBody(i + 1) is { } body => (body.Count + 1, body.Rule),
            _ => null,
        };
        if (found is not { } repeat) return null;
        _repeat = repeat.Rule;
        var end = i + repeat.Count;
        while (end < _words.Count && RepeatLimit(end, record: false) is { } limit) end += limit;
        return Take("recurrence", i, end - i);
    }

    /// <summary>"until jun 1", "for 5 times", "5 times", "starting monday", "from jan 5" after a recurrence.</summary>
    private int? RepeatLimit(int i) => RepeatLimit(i, record: true);

    private int? RepeatLimit(int i, bool record)
    {
        if (_repeat is null) return null;
        int? count = null;
        if (Is(i, "until", "till") && _repeat.Until is null && DateAt(i + 1, prepared: true) is { Time: null } until)
        {
            _repeat.Until = until.Date;
            count = 1 + until.Count;
        }
        else if (_repeat.Count is null && (Is(i, "for") ? i + 1 : i) is var j && Words.Number(W(j)) is { } times and >= 1 and <= 1000
                 && Is(j + 1, "times", "occurrences"))
        {
            _repeat.Count = times;
            count = j + 2 - i;
        }
        else if (Is(i, "starting", "from", "beginning") && _date is null)
        {
            var j2 = Is(i + 1, "on") ? i + 2 : i + 1;
            if (DateAt(j2, prepared: true) is { Time: null } start)
            {
                _date = start.Date;
                count = j2 - i + start.Count;
            }
        }
        return count is { } n && record ? Take("recurrence", i, n) : count;
    }

    /// <summary>A date, with the words that lead to it ("due", "on", "by") and a part of the day after it ("tomorrow morning").</summary>
    private int? Due(int i)
    {
        if (_date is not null) return null;
        var j = i;
        var prepared = false;
        if (Is(j, "due")) { j++; prepared = true; }
        if (Is(j, "on", "by", "before")) { j++; prepared = true; }
        if (DateAt(j, prepared) is not { } date || (date.Time is not null && _time is not null)) return null;
        var end = j + date.Count;
        var time = date.Time;
        if (time is null && _time is null && end < _words.Count && Words.DayParts.TryGetValue(W(end), out var part))
        {
            time = part;
            end++;
        }
        _date = date.Date;
        _time ??= time;
        return Take("due", i, end - i);
    }

    /// <summary>"at 5pm", "5:30 pm", "17:30", "at 9", "noon", "in the evening".</summary>
    private int? Time(int i)
    {
        if (_time is not null) return null;
        if (Is(i, "in") && Is(i + 1, "the") && Words.DayParts.TryGetValue(W(i + 2), out var part))
        {
            _time = part;
            return Take("due", i, 3);
        }
        var at = Is(i, "at", "by", "around");
        var j = at ? i + 1 : i;
        if (ClockTime(j, at) is not { } clock) return null;
        _time = clock.Time;
        return Take("due", i, j - i + clock.Count);
    }

    // ---- the pieces ------------------------------------------------------------------------------------------------

    private readonly record struct When(int Count, DateOnly Date, TimeOnly? Time = null);

    /// <summary>
    /// A date starting at word <paramref name="j"/>. <paramref name="prepared"/>: a word before it asked for a date
    /// ("on", "by", "due", "until"), so short day names and "the 15th" count too.
    /// </summary>
    private When? DateAt(int j, bool prepared)
    {
        if (j >= _words.Count) return null;
        switch (W(j))
        {
            case "today" or "tod": return new(1, _today);
            case "tonight": return new(1, _today, Words.DayParts["night"]);
            case "tomorrow" or "tmr" or "tmrw": return new(1, _today.AddDays(1));
            case "yesterday": return new(1, _today.AddDays(-1));
        }
        if (Is(j, "day") && Is(j + 1, "after") && Is(j + 2, "tomorrow")) return new(3, _today.AddDays(2));
        if (Is(j, "the") && Is(j + 1, "day") && Is(j + 2, "after") && Is(j + 3, "tomorrow")) return new(4, _today.AddDays(2));

        if (Day(j, allowShort: prepared) is { } weekday) return new(1, Coming(weekday, includeToday: false));
        var nextMonday = _today.AddDays(8 - IsoDay(_today.DayOfWeek));
        if (Is(j, "this"))
        {
            if (Day(j + 1, allowShort: true) is { } day) return new(2, Coming(day, includeToday: true));
            if (Is(j + 1, "weekend")) return new(2, ThisWeekend());
            if (Words.DayParts.TryGetValue(W(j + 1), out var part)) return new(2, _today, part);
        }
        if (Is(j, "next"))
        {
            if (Day(j + 1, allowShort: true) is { } day) return new(2, nextMonday.AddDays(IsoDay(day) - 1));
            switch (W(j + 1))
            {
                case "week": return new(2, nextMonday);
                case "weekend": return new(2, nextMonday.AddDays(5));
                case "month": return new(2, new DateOnly(_today.Year, _today.Month, 1).AddMonths(1));
                case "year": return new(2, new DateOnly(_today.Year + 1, 1, 1));
            }
        }
        if (prepared && Is(j, "weekend")) return new(1, ThisWeekend());
        if (Is(j, "in") && Amount(j + 1) is { } amount) return Later(amount, 1 + amount.Count);
        if (Is(j, "end") && Is(j + 1, "of"))
        {
            var k = Is(j + 2, "the") ? j + 3 : j + 2;
            if (Is(k, "month")) return new(k + 1 - j, new DateOnly(_today.Year, _today.Month, DateTime.DaysInMonth(_today.Year, _today.Month)));
            if (Is(k, "year")) return new(k + 1 - j, new DateOnly(_today.Year, 12, 31));
        }
        if (CalendarDate(j) is { } calendar) return calendar;
        if (Is(j, "the") && CalendarDate(j + 1) is { } theCalendar) return theCalendar with { Count = theCalendar.Count + 1 };
        if (prepared && Is(j, "the") && Words.OrdinalDay(W(j + 1)) is { } theDay) return new(2, NextDayOfMonth(theDay));
        if (prepared && Words.OrdinalDay(W(j)) is { } ordinalDay) return new(1, NextDayOfMonth(ordinalDay));
        return null;
    }

    /// <summary>"dec 24", "december 24th 2027", "24 dec", "24th of december", "2026-12-24", "24/12", "12/24/2027".</summary>
    private When? CalendarDate(int j)
    {
        if (j >= _words.Count) return null;
        var word = W(j);
        if (IsoDate().IsMatch(word))
            return DateOnly.TryParseExact(word, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso) ? new(1, iso) : null;
        if (NumericDate().Match(word) is { Success: true } numeric)
        {
            var (first, second) = (int.Parse(numeric.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(numeric.Groups[2].Value, CultureInfo.InvariantCulture));
            var (month, day) = _context.DateOrder == DateOrder.MonthFirst ? (first, second) : (second, first);
            int? year = numeric.Groups[3].Success ? int.Parse(numeric.Groups[3].Value, CultureInfo.InvariantCulture) : null;
            if (year < 100) year += 2000;
            return DateOf(year, month, day) is { } date ? new(1, date) : null;
        }
        if (MonthDay(j) is { } monthDay)
        {
            var year = Words.Year(W(j + monthDay.Count));
            return DateOf(year, monthDay.Month, monthDay.Day) is { } date ? new(monthDay.Count + (year is null ? 0 : 1), date) : null;
        }
        return null;
    }

    /// <summary>"mar 3", "march 3rd", "3 march", "3rd of march".</summary>
    private (int Count, int Month, int Day)? MonthDay(int j)
    {
        if (Words.MonthNames.TryGetValue(W(j), out var month) && Words.DayOfMonth(W(j + 1)) is { } day)
            return day <= DaysIn(month) ? (2, month, day) : null;
        if (Words.DayOfMonth(W(j)) is { } leading)
        {
            var k = Is(j + 1, "of") ? j + 2 : j + 1;
            if (Words.MonthNames.TryGetValue(W(k), out month)) return leading <= DaysIn(month) ? (k + 1 - j, month, leading) : null;
        }
        return null;
    }

    /// <summary>The date, or without a year the next time it comes round (today included); null when there is no such day.</summary>
    private DateOnly? DateOf(int? year, int month, int day)
    {
        if (month is < 1 or > 12 || day < 1) return null;
        if (year is { } y) return y is >= 1900 and <= 8999 && day <= DateTime.DaysInMonth(y, month) ? new DateOnly(y, month, day) : null;
        for (var candidate = _today.Year; candidate < _today.Year + 8; candidate++)
        {
            if (day <= DateTime.DaysInMonth(candidate, month) && new DateOnly(candidate, month, day) >= _today) return new DateOnly(candidate, month, day);
        }
        return null;
    }

    private When Later((int Count, int Number, TimeUnit Unit) amount, int count) => amount.Unit switch
    {
        TimeUnit.Minutes or TimeUnit.Hours => LaterInstant(amount.Unit == TimeUnit.Minutes ? TimeSpan.FromMinutes(amount.Number) : TimeSpan.FromHours(amount.Number), count),
        TimeUnit.Days => new(count, _today.AddDays(amount.Number)),
        TimeUnit.Weeks => new(count, _today.AddDays(7 * amount.Number)),
        TimeUnit.Months => new(count, _today.AddMonths(amount.Number)),
        _ => new(count, _today.AddYears(amount.Number)),
    };

    private When LaterInstant(TimeSpan after, int count)
    {
        var local = TaskTime.LocalTime(_context.Now + after, _context.TimeZone);
        return new(count, DateOnly.FromDateTime(local), new TimeOnly(local.Hour, local.Minute));
    }

    /// <summary>"3 days", "a week", "30m", "2h".</summary>
    private (int Count, int Number, TimeUnit Unit)? Amount(int j)
    {
        if (CompactAmount().Match(W(j)) is { Success: true } compact
            && Words.Units.TryGetValue(compact.Groups[2].Value, out var compactUnit))
            return (1, int.Parse(compact.Groups[1].Value, CultureInfo.InvariantCulture), compactUnit);
        // "3 d" apart is too terse to be sure of: single letters count only written together ("3d").
        if (Words.Number(W(j)) is { } number and <= 9999 && W(j + 1).Length > 1 && Words.Units.TryGetValue(W(j + 1), out var unit))
            return (2, number, unit);
        return null;
    }

    /// <summary>A clock time at word <paramref name="j"/>; a bare hour ("at 9", 24-hour) only after "at".</summary>
    private (int Count, TimeOnly Time)? ClockTime(int j, bool at)
    {
        if (j >= _words.Count) return null;
        var word = W(j);
        if (word is "noon" or "midday") return (1, new(12, 0));
        if (TwelveHour().Match(word) is { Success: true } twelve) return TwelveHourTime(twelve, 1);
        if (TwentyFourHour().Match(word) is { Success: true } twentyFour)
        {
            if (Is(j + 1, "am", "pm", "a.m.", "p.m.") && TwelveHour().Match(word + W(j + 1)) is { Success: true } spaced) return TwelveHourTime(spaced, 2);
            var hour = int.Parse(twentyFour.Groups[1].Value, CultureInfo.InvariantCulture);
            var minute = twentyFour.Groups[2].Success ? int.Parse(twentyFour.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            if (!twentyFour.Groups[2].Success && !at) return null;
            return hour <= 23 && minute <= 59 ? (1, new(hour, minute)) : null;
        }
        return null;
    }

    private static (int Count, TimeOnly Time)? TwelveHourTime(Match match, int count)
    {
        var hour = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var minute = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        if (hour is < 1 or > 12 || minute > 59) return null;
        var afternoon = match.Groups[3].Value.StartsWith('p');
        return (count, new(hour % 12 + (afternoon ? 12 : 0), minute));
    }

    /// <summary>What follows "every": "day", "2 weeks on fri", "other month", "weekday", "mon and thu", "last friday", "1st", "mar 3", "year on mar 3".</summary>
    private (int Count, RepeatRule Rule)? RepeatBody(int k)
    {
        var start = k;
        var interval = 1;
        if (Is(k, "other")) { interval = 2; k++; }
        else if (Words.Number(W(k)) is { } n and >= 1 and <= 365 && Words.Units.ContainsKey(W(k + 1))) { interval = n; k++; }

        if (Words.Units.TryGetValue(W(k), out var unit) && W(k).Length > 1)
        {
            k++;
            switch (unit)
            {
                case TimeUnit.Days:
                    return (k - start, new(RepeatFrequency.Daily, interval));
                case TimeUnit.Weeks:
                    if (Is(k, "on") && DayList(k + 1) is { } days) return (k + 1 + days.Count - start, new(RepeatFrequency.Weekly, interval) { Days = days.Days });
                    return (k - start, new(RepeatFrequency.Weekly, interval));
                case TimeUnit.Months:
                    if (Is(k, "on") && MonthlyDay(Is(k + 1, "the") ? k + 2 : k + 1) is { } monthly)
                    {
                        var used = (Is(k + 1, "the") ? k + 2 : k + 1) + monthly.Count - start;
                        return (used, new(RepeatFrequency.Monthly, interval) { Days = monthly.Days, MonthDay = monthly.MonthDay });
                    }
                    return (k - start, new(RepeatFrequency.Monthly, interval));
                case TimeUnit.Years:
                    if (Is(k, "on") && MonthDay(Is(k + 1, "the") ? k + 2 : k + 1) is { } yearly)
                    {
                        var used = (Is(k + 1, "the") ? k + 2 : k + 1) + yearly.Count - start;
                        return (used, new(RepeatFrequency.Yearly, interval) { Month = yearly.Month, MonthDay = yearly.Day });
                    }
                    return (k - start, new(RepeatFrequency.Yearly, interval));
                default:
                    return null;
            }
        }
        if (interval > 1) return null;

        if (Is(k, "weekday", "weekdays", "workday", "workdays"))
            return (1, new(RepeatFrequency.Weekly) { Days = [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }.Select(d => new RuleDay(d))] });
        if (Is(k, "weekend", "weekends"))
            return (1, new(RepeatFrequency.Weekly) { Days = [new(DayOfWeek.Saturday), new(DayOfWeek.Sunday)] });
        if (DayList(k) is { } list) return (list.Count, new(RepeatFrequency.Weekly) { Days = list.Days });
        if (MonthDay(Is(k, "the") ? k + 1 : k) is { } dayOfYear)
            return ((Is(k, "the") ? 1 : 0) + dayOfYear.Count, new(RepeatFrequency.Yearly) { Month = dayOfYear.Month, MonthDay = dayOfYear.Day });
        if (MonthlyDay(Is(k, "the") ? k + 1 : k) is { } ofMonth)
            return ((Is(k, "the") ? 1 : 0) + ofMonth.Count, new(RepeatFrequency.Monthly) { Days = ofMonth.Days, MonthDay = ofMonth.MonthDay });
        return null;
    }

    /// <summary>A day of every month: "1st", "15th", "last day [of the month]", "first monday", "last friday".</summary>
    private (int Count, List<RuleDay> Days, int? MonthDay)? MonthlyDay(int k)
    {
        if (Words.WeekdayOrdinals.TryGetValue(W(k), out var ordinal) && Day(k + 1, allowShort: true) is { } day)
            return (2 + OfTheMonth(k + 2), [new(day, ordinal)], null);
        if (Is(k, "last") && Is(k + 1, "day")) return (2 + OfTheMonth(k + 2), [], -1);
        if (Words.OrdinalDay(W(k)) is { } monthDay) return (1 + OfTheMonth(k + 1), [], monthDay);
        return null;
    }

    /// <summary>How many words of "of the month" / "of every month" follow (they add nothing).</summary>
    private int OfTheMonth(int k) =>
        Is(k, "of") && Is(k + 1, "the", "every", "each") && Is(k + 2, "month") ? 3 : Is(k, "of") && Is(k + 1, "month") ? 2 : 0;

    /// <summary>"monday", "mon and thu", "mon wed fri" (commas are already gone).</summary>
    private (int Count, List<RuleDay> Days)? DayList(int k)
    {
        var start = k;
        var days = new List<RuleDay>();
        while (Day(k, allowShort: true) is { } day)
        {
            if (!days.Contains(new(day))) days.Add(new(day));
            k++;
            if (Is(k, "and") && Day(k + 1, allowShort: true) is not null) k++;
        }
        return days.Count > 0 ? (k - start, days) : null;
    }

    private DayOfWeek? Day(int j, bool allowShort)
    {
        if (j >= _words.Count) return null;
        if (Words.DayNames.TryGetValue(W(j), out var day)) return day;
        // "mondays": the plural names a day too ("every mondays" is rare, "on mondays" common).
        if (W(j).EndsWith('s') && Words.DayNames.TryGetValue(W(j)[..^1], out day) && allowShort) return day;
        return allowShort && Words.ShortDayNames.TryGetValue(W(j), out day) ? day : null;
    }

    private DateOnly Coming(DayOfWeek day, bool includeToday)
    {
        var ahead = ((int)day - (int)_today.DayOfWeek + 7) % 7;
        return _today.AddDays(ahead == 0 && !includeToday ? 7 : ahead);
    }

    private DateOnly ThisWeekend() => _today.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? _today : Coming(DayOfWeek.Saturday, includeToday: true);

    /// <summary>The next date (today included) whose day of the month is <paramref name="day"/>; months without one are skipped.</summary>
    private DateOnly NextDayOfMonth(int day)
    {
        var month = new DateOnly(_today.Year, _today.Month, 1);
        while (day > DateTime.DaysInMonth(month.Year, month.Month) || new DateOnly(month.Year, month.Month, day) < _today) month = month.AddMonths(1);
        return new DateOnly(month.Year, month.Month, day);
    }

    private static int IsoDay(DayOfWeek day) => day == DayOfWeek.Sunday ? 7 : (int)day;

    /// <summary>The most days the month can have (February 29 is a date in leap years).</summary>
    private static int DaysIn(int month) => DateTime.DaysInMonth(2024, month);

    // ---- words and spans -------------------------------------------------------------------------------------------

    private string W(int j) => j < _words.Count ? _words[j].Text : "";

    private string Original(int j) => _text[_words[j].Start.._words[j].End];

    private bool Is(int j, params ReadOnlySpan<string> words) => j < _words.Count && words.Contains(_words[j].Text);

    /// <summary>Marks words <paramref name="from"/> .. + <paramref name="count"/> as understood (for the title and the highlight).</summary>
    private int Take(string field, int from, int count)
    {
        var start = _words[from].Start;
        var end = _words[from + count - 1].End;
        _spans.Add(new(field, start, end - start, _text[start..end]));
        return count;
    }

    /// <summary>The line without the words understood: white space closed up, no punctuation left dangling at its ends.</summary>
    private string Title()
    {
        var title = new StringBuilder(_text);
        foreach (var span in _spans)
            for (var c = span.Start; c < span.Start + span.Length; c++) title[c] = ' ';
        var text = SpaceBeforePunctuation().Replace(Spaces().Replace(title.ToString(), " "), "$1");
        return text.Trim().Trim(',', ';', ':', '-', '–').Trim();
    }

    [GeneratedRegex(@"^#([\p{L}\p{N}_\-/]+)$")]
    private static partial Regex TagWord();

    [GeneratedRegex(@"^@(\p{L}[\p{L}\p{N}_\-]*)$")]
    private static partial Regex CategoryWord();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)$")]
    private static partial Regex TwelveHour();

    [GeneratedRegex(@"^(\d{1,2})(?::(\d{2}))?$")]
    private static partial Regex TwentyFourHour();

    [GeneratedRegex(@"^(\d{1,4})(m|min|h|hr|d|w)$")]
    private static partial Regex CompactAmount();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s+([,;:.])")]
    private static partial Regex SpaceBeforePunctuation();
}
