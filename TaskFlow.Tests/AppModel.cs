using Aspire.Hosting.ApplicationModel;

namespace TaskFlow.Tests;

/// <summary>Reading what the AppHost declares without starting it.</summary>
internal static class AppModel
{
    /// <summary>The arguments a resource's callbacks give, unevaluated (endpoint references stay references).</summary>
    public static async Task<List<object>> ArgumentsAsync(IResource resource)
    {
        var args = new List<object>();
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
            await callback.Callback(new CommandLineArgsCallbackContext(args, resource));
        return args;
    }

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>.</summary>
    public static object Option(List<object> args, string name) => args[args.IndexOf(name) + 1];
}
