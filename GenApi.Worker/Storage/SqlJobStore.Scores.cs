using Dapper;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Storage;

// Sample-quality scores recorded at evaluated checkpoints.
public sealed partial class SqlJobStore
{
    public async Task AddScoresAsync(string jobId, EvaluationResult evaluation, CancellationToken cancellation = default)
    {
        var (s, f) = (evaluation.Scores, evaluation.Floor);
        await Run(connection => connection.ExecuteAsync(Command($"""
            INSERT INTO JobScores (JobId, Step, FrechetDistance, Kid, KidStd, Precision, Recall, Samples,
                FloorFrechetDistance, FloorKid, FloorPrecision, FloorRecall, ClassifierAccuracy, ClassKl, FloorClassKl, ConditionalAccuracy, ReconstructionError, Elbo, ReverseFrechetDistance, Kl, ActiveDimensions, At)
            VALUES (@jobId, @Step, @Fd, @Kid, @KidStd, @Precision, @Recall, @Samples, @FloorFd, @FloorKid, @FloorPrecision, @FloorRecall, @Accuracy,
                @ClassKl, @FloorClassKl, @ConditionalAccuracy, @ReconstructionError, @Elbo, @ReverseFrechetDistance, @Kl, @ActiveDimensions, {_sql.Now})
            """, new
            {
                jobId, evaluation.Step, Fd = s.FrechetDistance, s.Kid, s.KidStd, s.Precision, s.Recall, s.Samples,
                FloorFd = f.FrechetDistance, FloorKid = f.Kid, FloorPrecision = f.Precision, FloorRecall = f.Recall, Accuracy = evaluation.ClassifierAccuracy,
                s.ClassKl, FloorClassKl = f.ClassKl, s.ConditionalAccuracy, s.ReconstructionError, s.Elbo, s.ReverseFrechetDistance, s.Kl, s.ActiveDimensions,
            }, cancellation)), cancellation);
    }

    private const string ScoreColumns = """
        JobScores.JobId, JobScores.Step, FrechetDistance, Kid, KidStd, Precision, Recall, Samples, FloorFrechetDistance, FloorKid, FloorPrecision,
        FloorRecall, ClassifierAccuracy, ClassKl, FloorClassKl, ConditionalAccuracy, ReconstructionError, Elbo, ReverseFrechetDistance, Kl, ActiveDimensions
        """;

    public async Task<IReadOnlyList<EvaluationResult>> ListScoresAsync(string jobId, CancellationToken cancellation = default)
    {
        var rows = await Run(connection => connection.QueryAsync<ScoreRow>(Command(
            $"SELECT {ScoreColumns} FROM JobScores WHERE JobId = @jobId ORDER BY Step", new { jobId }, cancellation)), cancellation);
        return rows.Select(r => r.ToEvaluation()).ToList();
    }

    public async Task<IReadOnlyList<(string JobId, EvaluationResult Evaluation)>> ListSweepScoresAsync(string sweepId, CancellationToken cancellation = default)
    {
        var rows = await Run(connection => connection.QueryAsync<ScoreRow>(Command($"""
            SELECT {ScoreColumns} FROM JobScores JOIN Jobs ON Jobs.Id = JobScores.JobId
            WHERE Jobs.SweepId = @sweepId ORDER BY JobScores.JobId, JobScores.Step
            """, new { sweepId }, cancellation)), cancellation);
        return rows.Select(r => (r.JobId, r.ToEvaluation())).ToList();
    }

    private sealed class ScoreRow
    {
        public string JobId { get; set; } = "";
        public long Step { get; set; }
        public double FrechetDistance { get; set; }
        public double Kid { get; set; }
        public double KidStd { get; set; }
        public double Precision { get; set; }
        public double Recall { get; set; }
        public long Samples { get; set; }
        public double FloorFrechetDistance { get; set; }
        public double FloorKid { get; set; }
        public double FloorPrecision { get; set; }
        public double FloorRecall { get; set; }
        public double ClassifierAccuracy { get; set; }
        public double ClassKl { get; set; }
        public double FloorClassKl { get; set; }
        public double? ConditionalAccuracy { get; set; }
        public double? ReconstructionError { get; set; }
        public double? Elbo { get; set; }
        public double? ReverseFrechetDistance { get; set; }
        public double? Kl { get; set; }
        public long? ActiveDimensions { get; set; }

        public EvaluationResult ToEvaluation() => new(
            new EvaluationScores(FrechetDistance, Kid, KidStd, Precision, Recall, (int)Samples, ClassKl, ConditionalAccuracy, ReconstructionError, Elbo, ReverseFrechetDistance, Kl, (int?)ActiveDimensions),
            new EvaluationScores(FloorFrechetDistance, FloorKid, 0, FloorPrecision, FloorRecall, (int)Samples, FloorClassKl, ClassifierAccuracy),
            ClassifierAccuracy, (int)Step);
    }
}
