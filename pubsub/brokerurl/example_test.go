package brokerurl_test

import (
	"context"
	"fmt"
	"os"

	"github.com/sinewdev/sinew/pubsub/brokerurl"
)

// The broker comes from the environment: unset, it is the in-process one; set to
// postgres://, nats:// or redis://, every instance of the app shares messages.
func ExampleOpen() {
	ctx := context.Background()
	broker, err := brokerurl.Open(ctx, os.Getenv("EXAMPLE_BROKER_URL"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer broker.Close()

	sub, err := broker.Subscribe(ctx, "notifications.user.42")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sub.Close()
	if err := broker.Publish(ctx, "notifications.user.42", []byte(`{"text":"welcome"}`)); err != nil {
		fmt.Println(err)
		return
	}
	m, err := sub.Next(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s\n", m.Channel, m.Payload)
	// Output: notifications.user.42 {"text":"welcome"}
}
