package memory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/memory"
)

// A subscription that falls more than Buffer messages behind ends with
// pubsub.ErrSlowConsumer; what it had buffered is still delivered.
func ExampleNew() {
	ctx := context.Background()
	broker := memory.New(memory.Config{Buffer: 2})
	defer broker.Close()

	sub, _ := broker.Subscribe(ctx, "ticks")
	for i := range 3 {
		_ = broker.Publish(ctx, "ticks", []byte{byte('0' + i)})
	}
	for m := range sub.Messages() {
		fmt.Printf("%s ", m.Payload)
	}
	fmt.Println(errors.Is(sub.Err(), pubsub.ErrSlowConsumer))
	// Output: 0 1 true
}
