using System.Globalization;

namespace TaskFlow.Benchmarks;

/// <summary><c>--name value</c> pairs after the verb; each benchmark takes the ones it knows and rejects the rest.</summary>
public sealed class BenchmarkOptions
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = [];

    private BenchmarkOptions(Dictionary<string, string> values) => _values = values;

    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new BenchmarkOptionsException($"expected --name value, got '{string.Join(' ', args[i..])}'");
            values[args[i][2..]] = args[i + 1];
        }
        return new BenchmarkOptions(values);
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text)) return defaultValue;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        throw new BenchmarkOptionsException($"--{name} must be a whole number from {min} to {max}, got '{text}'");
    }

    /// <summary>One of <paramref name="choices"/>; the first is the default.</summary>
    public string OneOf(string name, params string[] choices)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text)) return choices[0];
        if (choices.Contains(text, StringComparer.Ordinal)) return text;
        throw new BenchmarkOptionsException($"--{name} must be one of {string.Join(", ", choices)}, got '{text}'");
    }

    /// <summary>Call after reading every option: a misspelt one is an error, not a silent default.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(name => !_read.Contains(name)).ToList();
        if (unknown.Count > 0) throw new BenchmarkOptionsException($"unknown option(s): {string.Join(", ", unknown.Select(n => "--" + n))}");
    }
}

public sealed class BenchmarkOptionsException(string message) : Exception(message);
