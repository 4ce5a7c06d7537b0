using TaskFlow.Benchmarks;
using TaskFlow.Benchmarks.Lists;
using TaskFlow.Benchmarks.Reminders;
using TaskFlow.Benchmarks.TasksQuery;
using TaskFlow.Benchmarks.Updates;
using TaskFlow.Benchmarks.Writes;

// Benchmarks run by hand on the real AppHost: dotnet run -c Release --project TaskFlow.Benchmarks -- <verb> [options]
var verbs = new Dictionary<string, (string Options, string Summary, Func<BenchmarkOptions, Task> Run)>
{
    ["tasks-query"] = ("[--tasks 50000] [--other-tasks 20000] [--samples 100]",
        "GET /api/tasks latency per query shape for a user with many tasks, plus Postgres plans",
        TasksQueryBenchmark.RunAsync),
    ["reminders"] = ("[--reminders 1000] [--window-seconds 20]",
        "reminder lateness (fired_at - remind_at) p50/p99 for many reminders due within a short window",
        RemindersBenchmark.RunAsync),
    ["writes"] = (WritesBenchmark.Options,
        "POST /api/tasks under load: writes/s and latency, outbox backlog, write -> audit latency, memory, vs the same SQL "
        + "straight to Postgres; or the outbox relay (relay) or audit consumer (audit) alone, in events/s",
        WritesBenchmark.RunAsync),
    ["list-fanout"] = (ListFanoutBenchmark.Options,
        "changes to a task of a list shared by many members, each with open live streams: delivery latency p50/p99/max, "
        + "missing and duplicated deliveries, CPU per change by process",
        ListFanoutBenchmark.RunAsync),
    ["updates"] = (UpdatesBenchmark.Options,
        "many live-update streams on one Api instance: time to open them, delivery latency p50/p99/max, missing and "
        + "duplicated deliveries, the Api's memory and CPU per change by process; on the Api's own port or through the proxy",
        UpdatesBenchmark.RunAsync),
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var verb))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project TaskFlow.Benchmarks -- <verb> [options]");
    foreach (var (name, (options, summary, _)) in verbs)
        Console.Error.WriteLine($"  {name} {options}\n      {summary}");
    return 2;
}

try
{
    await verb.Run(BenchmarkOptions.Parse(args[1..]));
    return 0;
}
catch (BenchmarkOptionsException exception)
{
    Console.Error.WriteLine($"{args[0]}: {exception.Message} (options: {verb.Options})");
    return 2;
}
