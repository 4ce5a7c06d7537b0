using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.UnitTests.LiveUpdates;

/// <summary>The fan-out by user and by list: who gets an update, membership changes, and a connection that falls behind.</summary>
public sealed class UserConnectionsTests
{
    private readonly UserConnections _connections = new();
    private readonly KafkaLiveUpdate _update = new(0, 0, new PartitionOffsets([1]), "{}");

    [Fact]
    public void An_update_reaches_every_connection_of_its_user_and_no_other()
    {
        var phone = _connections.Add("ann", []);
        var laptop = _connections.Add("ann", []);
        var bobs = _connections.Add("bob", []);

        Assert.Equal(0, _connections.Deliver("ann", _update));

        Assert.True(phone.Reader.TryRead(out var onPhone));
        Assert.Same(_update, onPhone);
        Assert.True(laptop.Reader.TryRead(out var onLaptop));
        Assert.Same(_update, onLaptop);
        Assert.False(bobs.Reader.TryRead(out _));
    }

    [Fact]
    public void A_connection_too_far_behind_is_closed_after_what_it_holds_and_the_others_go_on()
    {
        var slow = _connections.Add("ann", []);
        var keepingUp = _connections.Add("ann", []);
        for (var i = 0; i < UserConnections.MaxQueued; i++)
        {
            Assert.Equal(0, _connections.Deliver("ann", _update));
            Assert.True(keepingUp.Reader.TryRead(out _));
        }

        Assert.Equal(1, _connections.Deliver("ann", _update));

        var held = 0;
        while (slow.Reader.TryRead(out _)) held++;
        Assert.Equal(UserConnections.MaxQueued, held);
        Assert.True(slow.Reader.Completion.IsCompleted);
        Assert.True(keepingUp.Reader.TryRead(out _));
        Assert.Equal(0, _connections.Deliver("ann", _update));
        Assert.True(keepingUp.Reader.TryRead(out _));
    }

    [Fact]
    public void A_user_whose_connections_have_ended_is_no_longer_served()
    {
        var ended = _connections.Add("ann", []);
        Assert.True(_connections.Has("ann"));
        _connections.Remove("ann", ended);
        Assert.False(_connections.Has("ann"));

        var fellBehind = _connections.Add("ann", []);
        for (var i = 0; i <= UserConnections.MaxQueued; i++) _connections.Deliver("ann", _update);
        Assert.False(_connections.Has("ann"));
        // Its stream still ends by removing it, which must do no harm.
        _connections.Remove("ann", fellBehind);
        Assert.False(_connections.Has("ann"));
    }

    [Fact]
    public void A_list_update_reaches_its_connected_members_only()
    {
        var ann = _connections.Add("ann", [1, 2]);
        var bob = _connections.Add("bob", [2]);

        Assert.Equal(0, _connections.DeliverToList(1, _update));
        Assert.Equal(0, _connections.DeliverToList(2, _update));
        Assert.Equal(0, _connections.DeliverToList(3, _update));

        Assert.Equal(2, Drain(ann));
        Assert.Equal(1, Drain(bob));
    }

    [Fact]
    public void A_member_removed_gets_nothing_more_of_the_list_and_one_who_joins_gets_what_follows()
    {
        var ann = _connections.Add("ann", [1]);
        var bob = _connections.Add("bob", []);

        _connections.Removed(1, "ann");
        _connections.Joined(1, "bob");
        _connections.DeliverToList(1, _update);

        Assert.Equal(0, Drain(ann));
        Assert.Equal(1, Drain(bob));
        Assert.False(_connections.HasMembersOf(2));
    }

    /// <summary>
    /// A user's lists are read from the database just before their first connection is added; a membership change the
    /// feed applied in between (it was committed after the read) must still hold for the new connection.
    /// </summary>
    [Fact]
    public void A_new_connection_s_lists_take_the_membership_changes_applied_since_they_were_read()
    {
        _connections.Removed(1, "ann");
        _connections.Joined(2, "ann");

        var ann = _connections.Add("ann", [1]);
        _connections.DeliverToList(1, _update);
        Assert.Equal(0, Drain(ann));
        _connections.DeliverToList(2, _update);
        Assert.Equal(1, Drain(ann));
    }

    [Fact]
    public void A_deleted_list_reaches_nobody_and_a_user_gone_is_no_member_anywhere()
    {
        var ann = _connections.Add("ann", [1, 2]);
        _connections.Deleted(1);
        _connections.DeliverToList(1, _update);
        Assert.Equal(0, Drain(ann));

        _connections.Remove("ann", ann);
        Assert.False(_connections.HasMembersOf(2));
    }

    private static int Drain(System.Threading.Channels.Channel<LiveUpdate> connection)
    {
        var count = 0;
        while (connection.Reader.TryRead(out _)) count++;
        return count;
    }
}
