using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>The size limits every chart endpoint shares.</summary>
public static class ChartSize
{
    public static ValidationProblem? Validate(int? width, int? height)
    {
        var errors = new Dictionary<string, string[]>();
        if (width is < 200 or > 4000) errors["width"] = ["width must be between 200 and 4000."];
        if (height is < 150 or > 4000) errors["height"] = ["height must be between 150 and 4000."];
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors, title: "The chart request is invalid.", type: Problems.InvalidRequest) : null;
    }
}
