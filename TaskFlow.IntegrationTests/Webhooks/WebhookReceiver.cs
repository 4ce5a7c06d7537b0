using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.IntegrationTests.Webhooks;

/// <summary>A real HTTP endpoint (POST /hook) on a loopback address that records what it is sent.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string Body, string Signature, string Timestamp, DateTime ReceivedAt)> _requests = [];

    private WebhookReceiver(WebApplication app) => _app = app;

    public IReadOnlyList<(string Body, string Signature, string Timestamp, DateTime ReceivedAt)> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    public string Url => Address + "/hook";
    public int Port => new Uri(Address).Port;
    private string Address => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <summary>The one private address the services of the tests let webhooks reach.</summary>
    public const string AllowedAddress = "127.0.0.2";

    /// <param name="answer">The status every request gets.</param>
    /// <param name="address">Where to listen.</param>
    /// <param name="location">A Location header to answer with (for a redirect).</param>
    public static async Task<WebhookReceiver> StartAsync(HttpStatusCode answer, string address = AllowedAddress, string? location = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{address}:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request, HttpResponse response) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            lock (receiver._requests)
                receiver._requests.Add((body, request.Headers["X-TaskFlow-Signature"].ToString(), request.Headers["X-TaskFlow-Timestamp"].ToString(), DateTime.UtcNow));
            if (location is not null) response.Headers.Location = location;
            return Results.StatusCode((int)answer);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
