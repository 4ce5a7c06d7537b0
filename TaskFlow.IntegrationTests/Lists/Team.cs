namespace TaskFlow.IntegrationTests.Lists;

/// <summary>A list shared by its owner with an editor and a viewer, and a stranger who is in none of it.</summary>
public sealed record Team(TaskFlowUser Owner, TaskFlowUser Editor, TaskFlowUser Viewer, TaskFlowUser Stranger, int ListId)
{
    /// <summary>The roles matrices' four people, signed up once per test run (a sign-up is a password hash: costly).</summary>
    private static readonly SemaphoreSlim PeopleGate = new(1, 1);
    private static TaskFlowUser[]? _people;

    public TaskFlowUser InRole(string role) => role switch { "owner" => Owner, "editor" => Editor, "viewer" => Viewer, _ => Stranger };

    /// <summary>A new list named <paramref name="name"/>, shared; by new people when <paramref name="freshPeople"/>, else by the same four every time.</summary>
    public static async Task<Team> StartAsync(TaskFlowServices app, string name, bool freshPeople = true)
    {
        TaskFlowUser[] people;
        if (freshPeople)
        {
            people = [await app.SignUpAsync(), await app.SignUpAsync(), await app.SignUpAsync(), await app.SignUpAsync()];
        }
        else
        {
            await PeopleGate.WaitAsync();
            try
            {
                people = _people ??= [await app.SignUpAsync(), await app.SignUpAsync(), await app.SignUpAsync(), await app.SignUpAsync()];
            }
            finally
            {
                PeopleGate.Release();
            }
        }
        var (owner, editor, viewer, stranger) = (people[0], people[1], people[2], people[3]);
        var listId = await owner.CreateListAsync(name);
        foreach (var (member, role) in new[] { (editor, "editor"), (viewer, "viewer") })
        {
            var invitationId = await owner.InviteAsync(listId, member.Email, role);
            (await member.Http.PostAsync($"/api/invitations/{invitationId}/accept", null)).EnsureSuccessStatusCode();
        }
        return new Team(owner, editor, viewer, stranger, listId);
    }
}
