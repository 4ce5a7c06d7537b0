using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// "Rows strictly after (key, id)" as a Postgres row comparison, <c>(key, id) &gt; (@key, @id)</c>, which an index on
/// (user_id, key, id) answers directly — whatever column the key is.
/// </summary>
public static class KeysetFilter
{
    public static Expression<Func<TaskItem, bool>> After<TKey>(Expression<Func<TaskItem, TKey>> key, TKey afterKey, int afterId) =>
        Compose(key, (k, id) => EF.Functions.GreaterThan(ValueTuple.Create(k, id), ValueTuple.Create(afterKey, afterId)));

    public static Expression<Func<TaskItem, bool>> Before<TKey>(Expression<Func<TaskItem, TKey>> key, TKey beforeKey, int beforeId) =>
        Compose(key, (k, id) => EF.Functions.LessThan(ValueTuple.Create(k, id), ValueTuple.Create(beforeKey, beforeId)));

    /// <summary>Puts the task's key and id where the comparison's parameters stand.</summary>
    private static Expression<Func<TaskItem, bool>> Compose<TKey>(
        Expression<Func<TaskItem, TKey>> key, Expression<Func<TKey, int, bool>> comparison)
    {
        var task = key.Parameters[0];
        var body = new Substitute(new()
        {
            [comparison.Parameters[0]] = key.Body,
            [comparison.Parameters[1]] = Expression.Property(task, nameof(TaskItem.Id)),
        }).Visit(comparison.Body);
        return Expression.Lambda<Func<TaskItem, bool>>(body, task);
    }

    private sealed class Substitute(Dictionary<ParameterExpression, Expression> replacements) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            replacements.TryGetValue(node, out var replacement) ? replacement : node;
    }
}
