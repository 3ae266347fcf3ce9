namespace GenApi.Contracts;

/// <summary>One page of a list, newest first (events: oldest first).</summary>
/// <param name="Data">The items.</param>
/// <param name="HasMore">Whether another page follows.</param>
/// <param name="NextCursor">Pass as <c>after</c> for the next page; stable while items are added.</param>
public sealed record PageResponse<T>(IReadOnlyList<T> Data, bool HasMore, string? NextCursor);
