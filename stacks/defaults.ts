/** Defaults for every Lambda function of the app, set once; the function form keeps what a function sets itself. */
export function setFunctionDefaults() {
  $transform(sst.aws.Function, (args) => {
    args.runtime ??= "nodejs24.x";
    args.architecture ??= "arm64";
    args.memory ??= "512 MB";
    args.timeout ??= "10 seconds";
    args.logging ??= { format: "json", retention: "1 month" };
  });
}
