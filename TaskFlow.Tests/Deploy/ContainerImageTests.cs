using System.Diagnostics;
using System.Text.Json.Nodes;

namespace TaskFlow.Tests.Deploy;

/// <summary>
/// The services' container images as the .NET SDK would build them (`dotnet publish -t:PublishContainer`, which cannot
/// finish here: the base image is out of reach). What can be checked offline is what MSBuild computes for them.
/// </summary>
public sealed class ContainerImageTests
{
    [Theory]
    [InlineData("TaskFlow.Api", "taskflow-api")]
    [InlineData("TaskFlow.Workers", "taskflow-workers")]
    public async Task Each_service_is_an_image_of_its_own_on_port_8080_run_as_a_non_root_user(string project, string repository)
    {
        var evaluated = await MsBuildAsync(project, "-t:ComputeContainerBaseImage", "-getProperty:ContainerRepository", "-getProperty:ContainerUser",
            "-getProperty:ContainerBaseImage", "-getItem:ContainerPort");

        Assert.Equal(repository, evaluated["Properties"]!["ContainerRepository"]!.GetValue<string>());
        Assert.Equal("app", evaluated["Properties"]!["ContainerUser"]!.GetValue<string>());
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", evaluated["Properties"]!["ContainerBaseImage"]!.GetValue<string>());
        Assert.Equal(["8080"], evaluated["Items"]!["ContainerPort"]!.AsArray().Select(p => p!["Identity"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_base_image_can_come_from_a_mirror()
    {
        var evaluated = await MsBuildAsync("TaskFlow.Api", "-t:ComputeContainerBaseImage", "-p:ContainerBaseImage=mirror.example.test/dotnet/aspnet:10.0",
            "-getProperty:ContainerBaseImage", "-getProperty:ContainerRepository");

        Assert.Equal("mirror.example.test/dotnet/aspnet:10.0", evaluated["Properties"]!["ContainerBaseImage"]!.GetValue<string>());
    }

    /// <summary>MSBuild's JSON answer (it answers JSON for more than one property or item asked for).</summary>
    private static async Task<JsonObject> MsBuildAsync(string project, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", ["msbuild", Repository.PathOf(project, project + ".csproj"), "-nologo", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild {project} failed: {output} {await process.StandardError.ReadToEndAsync()}");
        return JsonNode.Parse(output)!.AsObject();
    }
}
