using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace TaskFlow.Api.Lists;

/// <summary>The REST face of <see cref="ListService"/>: lists, members, invitations.</summary>
public static class ListEndpoints
{
    public static IEndpointRouteBuilder MapListEndpoints(this IEndpointRouteBuilder routes)
    {
        var lists = routes.MapSignedInGroup("/api/lists", "Lists")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        lists.MapGet("/", async (ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                TypedResults.Ok(await service.MineAsync(user.UserId(), ct)))
            .WithName("ListLists").WithSummary("Your lists (your Inbox first), each with its members and your role");
        lists.MapPost("/", async Task<Results<Created<ListResponse>, NotFound<ProblemDetails>, ProblemHttpResult, ValidationProblem>> (
                [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ListRequest? body, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
            {
                if (body is null) return JsonBodies.Missing("""{"name": "Groceries", "color": "#16a34a"}""");
                return Answer(await service.CreateAsync(user.UserId(), body, ct), list => TypedResults.Created($"/api/lists/{list.ListId}", list));
            })
            .WithName("CreateList").WithSummary("Create a list; you are its owner");
        lists.MapGet("/{listId:int}", async (int listId, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                Answer(await service.GetAsync(user.UserId(), listId, ct), TypedResults.Ok))
            .WithName("GetList").WithSummary("One of your lists with its members");
        lists.MapPatch("/{listId:int}", async Task<Results<Ok<ListResponse>, NotFound<ProblemDetails>, ProblemHttpResult, ValidationProblem>> (
                int listId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ListRequest? body, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
            {
                if (body is null) return JsonBodies.Missing("""{"name": "Groceries"} or {"color": "#16a34a"}""");
                return Answer(await service.UpdateAsync(user.UserId(), listId, body, ct), TypedResults.Ok);
            })
            .WithName("UpdateList").WithSummary("Rename or recolour a list (its owner)");
        lists.MapDelete("/{listId:int}", async (int listId, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                Answer(await service.DeleteAsync(user.UserId(), listId, ct), _ => TypedResults.NoContent()))
            .WithName("DeleteList").WithSummary("Delete a list and all its tasks (its owner; not your Inbox)");

        lists.MapPost("/{listId:int}/invitations", async Task<Results<Created<InvitationResponse>, NotFound<ProblemDetails>, ProblemHttpResult, ValidationProblem>> (
                int listId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] InvitationRequest? body, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
            {
                if (body is null) return JsonBodies.Missing("""{"email": "grace@example.com", "role": "editor"}""");
                return Answer(await service.InviteAsync(user.UserId(), listId, body, ct),
                    invitation => TypedResults.Created($"/api/lists/{listId}/invitations/{invitation.InvitationId}", invitation));
            })
            .WithName("InviteToList").WithSummary("Invite someone by e-mail address as an editor or a viewer (the owner)");
        lists.MapGet("/{listId:int}/invitations", async (int listId, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                Answer(await service.InvitationsOfAsync(user.UserId(), listId, ct), TypedResults.Ok))
            .WithName("ListInvitationsOfList").WithSummary("The list's open invitations (the owner)");
        lists.MapDelete("/{listId:int}/invitations/{invitationId:guid}", async (int listId, Guid invitationId, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                Answer(await service.WithdrawAsync(user.UserId(), listId, invitationId, ct), _ => TypedResults.NoContent()))
            .WithName("WithdrawInvitation").WithSummary("Withdraw an open invitation (the owner)");

        lists.MapPatch("/{listId:int}/members/{memberId}", async Task<Results<Ok<ListResponse>, NotFound<ProblemDetails>, ProblemHttpResult, ValidationProblem>> (
                int listId, string memberId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] MemberRoleRequest? body,
                ClaimsPrincipal user, ListService service, CancellationToken ct) =>
            {
                if (body is null) return JsonBodies.Missing("""{"role": "viewer"}""");
                return Answer(await service.ChangeRoleAsync(user.UserId(), listId, memberId, body, ct), TypedResults.Ok);
            })
            .WithName("ChangeMemberRole").WithSummary("Make a member an editor or a viewer (the owner)");
        lists.MapDelete("/{listId:int}/members/{memberId}", async (int listId, string memberId, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                Answer(await service.RemoveMemberAsync(user.UserId(), listId, memberId, ct), _ => TypedResults.NoContent()))
            .WithName("RemoveMember")
            .WithSummary("Remove a member (the owner), or leave the list (your own user id)")
            .WithDescription("They are unassigned from its tasks and see nothing more of it; their open live streams get list.member_removed.");
        lists.MapPost("/{listId:int}/transfer", async Task<Results<Ok<ListResponse>, NotFound<ProblemDetails>, ProblemHttpResult, ValidationProblem>> (
                int listId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] TransferRequest? body, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
            {
                if (body is null) return JsonBodies.Missing("""{"user_id": "<a member's user id>"}""");
                return Answer(await service.TransferAsync(user.UserId(), listId, body, ct), TypedResults.Ok);
            })
            .WithName("TransferList").WithSummary("Make another member the owner; you become an editor");

        var invitations = routes.MapSignedInGroup("/api/invitations", "Lists").ProducesProblem(StatusCodes.Status404NotFound);
        invitations.MapGet("/", async (ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                TypedResults.Ok(await service.MyInvitationsAsync(user.UserId(), ct)))
            .WithName("ListMyInvitations").WithSummary("Invitations to lists waiting for your e-mail address");
        invitations.MapPost("/{invitationId:guid}/accept", async (Guid invitationId, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                Answer(await service.AcceptAsync(user.UserId(), invitationId, ct), TypedResults.Ok))
            .WithName("AcceptInvitation").WithSummary("Join the list with the role the invitation offers");
        invitations.MapPost("/{invitationId:guid}/decline", async (Guid invitationId, ClaimsPrincipal user, ListService service, CancellationToken ct) =>
                Answer(await service.DeclineAsync(user.UserId(), invitationId, ct), _ => TypedResults.NoContent()))
            .WithName("DeclineInvitation").WithSummary("Decline an invitation");
        return routes;
    }

    /// <summary>An outcome as HTTP: done as <paramref name="done"/> says, a refusal as its 404, 403, 409 or 400.</summary>
    private static Results<TDone, NotFound<ProblemDetails>, ProblemHttpResult, ValidationProblem> Answer<T, TDone>(ListOutcome<T> outcome, Func<T, TDone> done)
        where TDone : IResult => outcome switch
        {
            ListOutcome<T>.Done(var value) => done(value),
            ListOutcome<T>.NotFound(var what, var id) => NotFoundProblem.YouHaveNo(what, id),
            ListOutcome<T>.Forbidden(var why) => TypedResults.Problem(why, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed by your role"),
            ListOutcome<T>.Conflict(var why) => TypedResults.Problem(why, statusCode: StatusCodes.Status409Conflict, title: "Not possible for this list"),
            ListOutcome<T>.Invalid(var errors) => TypedResults.ValidationProblem(errors),
            _ => throw new UnreachableException(),
        };
}
