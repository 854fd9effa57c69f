namespace Kiln.Mpi.Coordination;

/// <summary>Who builds a missing library when several ranks need it (dijitso's <c>buildon</c>).</summary>
public enum BuildMode
{
    /// <summary>One build per physical directory, by the directory's leader; the others wait for it.</summary>
    Node,

    /// <summary>One build per job, by rank 0; the bytes go to the other directories' leaders over MPI.</summary>
    Root,

    /// <summary>Every rank builds into its own directory; refused if ranks share a directory.</summary>
    Process,

    /// <summary><see cref="Node"/> when all ranks share one directory, else <see cref="Root"/>.</summary>
    Auto,
}
