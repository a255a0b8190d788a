import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SessionState } from '../entities';

registerEnumType(SessionState, { name: 'SessionState' });

@ObjectType({ description: "One table's order session; its code is the customer's key to it." })
export class Session {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Six lowercase hex characters, shown to the customer as a QR code.' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  locationId!: number;

  @Field(() => SessionState)
  state!: SessionState;

  @Field(() => GraphQLISODateTime)
  openedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  closedAt!: Date | null;

  @Field(() => Int, { description: 'The seq of the last event; subscribe with afterSeq to continue from there.' })
  lastSeq!: number;
}

@ObjectType({ description: "The QR code a customer scans to join a session." })
export class QrCode {
  @Field({ description: 'What the QR code encodes: the join link, or the bare code when no join URL is configured.' })
  content!: string;

  @Field({ description: 'The QR code as an SVG document.' })
  svg!: string;

  @Field({ description: 'The SVG as a data: URI, ready for an <img src>.' })
  dataUri!: string;
}

@ObjectType()
export class SessionPageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;
}

@ObjectType({ description: "A page of a location's sessions, newest first." })
export class SessionConnection {
  @Field(() => [Session])
  nodes!: Session[];

  @Field(() => SessionPageInfo)
  pageInfo!: SessionPageInfo;

  @Field(() => Int, {
    description:
      "The seq of the location's last event when the page was read (0: none yet); the page shows the location as it stood then. An order panel subscribes to locationEvents with it as afterSeq, to go on from there without replaying the location's history.",
  })
  locationLastSeq!: number;
}
