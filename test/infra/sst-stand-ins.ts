/**
 * Recording stand-ins for the globals SST gives sst.config.ts and stacks/ (`$config`, `sst`, `aws`, `$app`, ...),
 * so the infrastructure code can be evaluated without Pulumi or AWS and what it declares can be compared with the
 * project's declarations. Accessing a component these stand-ins do not know fails loudly, so a new component
 * cannot slip past the checks.
 */

export type Recorded = { component: string; name: string; args: Record<string, unknown> };
export type RecordedRoute = {
  api: string;
  rawRoute: string;
  handler: unknown;
  args: Record<string, unknown> | undefined;
};

export type RecordedSubscription = { to: string; name: string; subscriber: unknown; args: Record<string, unknown> };

export const recording = {
  subscriptions: [] as RecordedSubscription[],
  components: [] as Recorded[],
  routes: [] as RecordedRoute[],
  transforms: [] as { target: unknown; transform: (args: Record<string, unknown>) => void }[],
  websocketRoutes: [] as RecordedRoute[],
  authorizers: [] as { api: string; name: string; args: Record<string, unknown>; id: string }[],
};

/** A stand-in Pulumi output: a readable placeholder string naming the component and property. */
const output = (name: string, property: string) => `<${name}.${property}>`;

class Component {
  constructor(
    readonly component: string,
    readonly name: string,
    readonly args: Record<string, unknown> = {},
  ) {
    recording.components.push({ component, name, args });
  }
}

class Dynamo extends Component {
  readonly arn: string;
  constructor(name: string, args: Record<string, unknown>) {
    super("sst.aws.Dynamo", name, args);
    this.arn = output(name, "arn");
  }
  subscribe(name: string, subscriber: unknown, args: Record<string, unknown> = {}) {
    if (!this.args.stream) throw new Error("Dynamo.subscribe needs `stream` on the table, as SST requires.");
    recording.subscriptions.push({ to: this.name, name, subscriber, args });
    return {};
  }
}

class Bucket extends Component {
  readonly name: string;
  readonly arn: string;
  notified = 0;
  constructor(name: string, args: Record<string, unknown> = {}) {
    super("sst.aws.Bucket", name, args);
    this.name = name;
    this.arn = output(name, "arn");
  }
  notify(args: { notifications: Record<string, unknown>[] }) {
    if (++this.notified > 1) throw new Error("SST allows one notify per bucket.");
    for (const notification of args.notifications) {
      recording.subscriptions.push({
        to: this.name,
        name: String(notification.name),
        subscriber: notification.function,
        args: notification,
      });
    }
    return {};
  }
}

class Bus extends Component {
  readonly name: string;
  readonly arn: string;
  constructor(name: string, args: Record<string, unknown> = {}) {
    super("sst.aws.Bus", name, args);
    this.name = name;
    this.arn = output(name, "arn");
  }
  subscribe(name: string, subscriber: unknown, args: Record<string, unknown> = {}) {
    recording.subscriptions.push({ to: this.name, name, subscriber, args });
    return {};
  }
}

class Queue extends Component {
  readonly arn: string;
  readonly nodes: { queue: { name: string } };
  constructor(name: string, args: Record<string, unknown> = {}) {
    super("sst.aws.Queue", name, args);
    this.arn = output(name, "arn");
    this.nodes = { queue: { name: output(name, "queueName") } };
  }
}

class ApiGatewayV2 extends Component {
  readonly url: string;
  readonly nodes: { api: { id: string } };
  constructor(name: string, args: Record<string, unknown> = {}) {
    super("sst.aws.ApiGatewayV2", name, args);
    this.url = output(name, "url");
    this.nodes = { api: { id: output(name, "apiId") } };
  }
  route(rawRoute: string, handler: unknown, args?: Record<string, unknown>) {
    recording.routes.push({ api: this.name, rawRoute, handler, args });
    return {};
  }
  addAuthorizer() {
    throw new Error("The API must not use an API Gateway authorizer: handlers verify tokens themselves.");
  }
}

class ApiGatewayWebSocket extends Component {
  readonly url: string;
  readonly managementEndpoint: string;
  constructor(name: string, args: Record<string, unknown> = {}) {
    super("sst.aws.ApiGatewayWebSocket", name, args);
    this.url = output(name, "url");
    this.managementEndpoint = output(name, "managementEndpoint");
  }
  route(rawRoute: string, handler: unknown, args?: Record<string, unknown>) {
    recording.websocketRoutes.push({ api: this.name, rawRoute, handler, args });
    return {};
  }
  /** Two arguments, unlike ApiGatewayV2's: the name, then the authorizer. */
  addAuthorizer(name: string, args: Record<string, unknown>) {
    const id = output(`${this.name}Authorizer${name}`, "id");
    recording.authorizers.push({ api: this.name, name, args, id });
    return { id };
  }
}

class CognitoUserPool extends Component {
  readonly id: string;
  constructor(name: string, args: Record<string, unknown> = {}) {
    super("sst.aws.CognitoUserPool", name, args);
    this.id = output(name, "id");
  }
  addClient(clientName: string, args: Record<string, unknown> = {}) {
    return new CognitoUserPoolClient(`${this.name}${clientName}`, args);
  }
}

class CognitoUserPoolClient extends Component {
  readonly id: string;
  constructor(name: string, args: Record<string, unknown>) {
    super("sst.aws.CognitoUserPoolClient", name, args);
    this.id = output(name, "id");
  }
}

class CronV2 extends Component {
  constructor(name: string, args: Record<string, unknown>) {
    super("sst.aws.CronV2", name, args);
  }
}

class FunctionComponent extends Component {}

class Linkable extends Component {
  constructor(name: string, args: Record<string, unknown>) {
    super("sst.Linkable", name, args);
  }
}

class Secret extends Component {
  constructor(name: string, placeholder?: string) {
    super("sst.Secret", name, placeholder === undefined ? {} : { placeholder });
  }
}

/** A Pulumi AWS KMS key: its ARN is a placeholder output, as before a deploy. */
class KmsKey extends Component {
  readonly arn: string;
  constructor(name: string, args: Record<string, unknown>) {
    super("aws.kms.Key", name, args);
    this.arn = `arn:aws:kms:eu-west-1:000000000000:key/${name}`;
  }
}

/** A Pulumi CloudWatch metric alarm, recorded with its arguments. */
class MetricAlarm extends Component {
  constructor(name: string, args: Record<string, unknown>) {
    super("aws.cloudwatch.MetricAlarm", name, args);
  }
}

/** An SNS topic, with the ARN output its subscribers and alarm actions take. */
class SnsTopic extends Component {
  readonly arn: string;
  constructor(name: string, args: Record<string, unknown> = {}) {
    super("sst.aws.SnsTopic", name, args);
    this.arn = output(name, "arn");
  }
}

/** A Pulumi SNS subscription, recorded with its arguments. */
class TopicSubscription extends Component {
  constructor(name: string, args: Record<string, unknown>) {
    super("aws.sns.TopicSubscription", name, args);
  }
}

/** `sst.aws.permission(...)` returns its statement for a Linkable's `include`. */
const permission = (statement: Record<string, unknown>) => ({ type: "aws.permission", ...statement });

const known = {
  Dynamo,
  Bucket,
  ApiGatewayV2,
  ApiGatewayWebSocket,
  CognitoUserPool,
  Bus,
  Queue,
  CronV2,
  SnsTopic,
  Function: FunctionComponent,
};

function strict<T extends object>(namespace: string, members: T): T {
  return new Proxy(members, {
    get(target, property) {
      if (typeof property === "symbol" || property in target) return target[property as keyof T];
      throw new Error(
        `The infrastructure uses ${namespace}.${String(property)}, which the recording stand-ins do not know.`,
      );
    },
  });
}

/** Installs the stand-ins as globals, the way SST's CLI injects them into every file it bundles. */
export function installSstStandIns(stage = "test") {
  recording.components.length = 0;
  recording.subscriptions.length = 0;
  recording.routes.length = 0;
  recording.transforms.length = 0;
  recording.websocketRoutes.length = 0;
  recording.authorizers.length = 0;
  Object.assign(globalThis, {
    $config: (config: unknown) => config,
    $app: { name: "crm", stage },
    $dev: false,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
      strings.reduce((text, part, index) => text + part + (index < values.length ? String(values[index]) : ""), ""),
    $transform: (target: unknown, transform: (args: Record<string, unknown>) => void) => {
      recording.transforms.push({ target, transform });
    },
    sst: strict("sst", { aws: strict("sst.aws", { ...known, permission }), Linkable, Secret }),
    aws: strict("aws", {
      getRegionOutput: () => ({ region: "eu-west-1" }),
      kms: strict("aws.kms", { Key: KmsKey }),
      cloudwatch: strict("aws.cloudwatch", { MetricAlarm }),
      sns: strict("aws.sns", { TopicSubscription }),
    }),
  });
  return { FunctionComponent, Dynamo, Linkable, Secret };
}
