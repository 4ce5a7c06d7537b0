namespace TaskFlow.Workers.DeadLetters;

public static class DeadLettersFeature
{
    /// <summary>
    /// The operators' dead-letter operations (the Kafka side, <c>KafkaDeadLetters</c>, comes with messaging);
    /// <paramref name="runAsCommand"/> when this process runs <see cref="DeadLetterCommand"/> instead of the service.
    /// </summary>
    public static IHostApplicationBuilder AddDeadLetters(this IHostApplicationBuilder builder, bool runAsCommand)
    {
        builder.Services.AddScoped<DeadLetterOperations>();
        if (!runAsCommand) builder.Services.AddHostedService<DeadLetterBacklogMonitor>();
        if (runAsCommand)
        {
            // The command's output is stdout; the logs (each action's audit line among them) go to stderr.
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter(typeof(DeadLetterOperations).FullName, LogLevel.Information);
        }
        return builder;
    }
}
