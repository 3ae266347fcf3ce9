using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Worker.Compression;

/// <summary>The checks of a compression request that need the family registry.</summary>
public static class CompressionChecks
{
    /// <summary>Every problem of <paramref name="spec"/> against the model it would compress, in one list (field names as in the request).</summary>
    public static void Validate(this CompressionSpec spec, ModelRecord parent, bool parentHasTestSplit, FieldErrors errors) =>
        spec.Validate(parent, parentHasTestSplit, FamilyRules.Traits(parent.Family), errors);
}
