using GenApi.Contracts;
using GenApi.Worker.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Cursor pagination shared by the list endpoints.</summary>
public static class Paging
{
    public static ValidationProblem? Validate(int? limit, string? after, out PageCursor? cursor)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > JobsApi.MaxPageSize) errors["limit"] = [$"limit must be between 1 and {JobsApi.MaxPageSize}."];
        if (!PageCursor.TryDecode(after, out cursor)) errors["after"] = ["after is not a cursor returned by this API."];
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, title: "The list request is invalid.", type: Problems.InvalidRequest);
    }

    /// <summary>Builds a page from up to <paramref name="size"/>+1 rows (the extra one only says there is more).</summary>
    public static PageResponse<TOut> Page<TIn, TOut>(IReadOnlyList<TIn> rows, int size, Func<TIn, TOut> map, Func<TIn, PageCursor> cursorOf)
    {
        var items = rows.Take(size).ToList();
        var hasMore = rows.Count > size;
        return new PageResponse<TOut>(items.Select(map).ToList(), hasMore, hasMore ? cursorOf(items[^1]).Encode() : null);
    }
}
