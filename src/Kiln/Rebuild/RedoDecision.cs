namespace Kiln.Rebuild;

/// <summary>The outcome of a redo check: up to date, or needed with a reason.</summary>
public abstract record RedoDecision
{
    private RedoDecision()
    {
    }

    /// <summary>No redo is needed.</summary>
    public static RedoDecision UpToDate { get; } = new UpToDateDecision();

    /// <summary>A redo is needed because of <paramref name="reason"/>.</summary>
    public static RedoDecision Needed(RedoReason reason) => new NeededDecision(reason);

    /// <summary>Whether a redo is needed.</summary>
    public bool IsNeeded => this is NeededDecision;

    /// <summary>The reason when needed, else null.</summary>
    public RedoReason? Reason => (this as NeededDecision)?.Why;

    /// <summary>No redo.</summary>
    private sealed record UpToDateDecision : RedoDecision
    {
        public override string ToString() => "up to date";
    }

    /// <summary>A redo with its reason.</summary>
    private sealed record NeededDecision(RedoReason Why) : RedoDecision
    {
        public override string ToString() => Why.ToString();
    }
}
