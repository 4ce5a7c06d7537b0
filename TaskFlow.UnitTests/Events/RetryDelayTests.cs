using TaskFlow.Messaging;

namespace TaskFlow.UnitTests.Events;

public sealed class RetryDelayTests
{
    [Theory]
    [InlineData(1, 250)]
    [InlineData(2, 500)]
    [InlineData(3, 1000)]
    [InlineData(6, 8000)]
    [InlineData(7, 10000)]
    [InlineData(200, 10000)]
    public void Doubles_from_the_first_wait_up_to_the_cap(int failures, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs),
            RetryDelay.Doubling(TimeSpan.FromMilliseconds(250), failures, TimeSpan.FromSeconds(10)));

    [Fact]
    public void Without_a_cap_it_keeps_doubling() =>
        Assert.Equal(TimeSpan.FromSeconds(8), RetryDelay.Doubling(TimeSpan.FromSeconds(1), 4));
}
