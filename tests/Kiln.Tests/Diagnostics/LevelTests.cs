using Kiln.Diagnostics;

namespace Kiln.Tests.Diagnostics;

/// <summary>Port of dlb's LoggingCompatibilityTest: levels are the integers of Python's <c>logging</c>.</summary>
public sealed class LevelTests
{
    [Fact]
    public void Standard_levels_are_those_of_python_logging()
    {
        Assert.Equal(10, (int)Level.Debug);
        Assert.Equal(20, (int)Level.Info);
        Assert.Equal(30, (int)Level.Warning);
        Assert.Equal(40, (int)Level.Error);
        Assert.Equal(50, (int)Level.Critical);
    }
}
