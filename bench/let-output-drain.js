// Preloaded into the benchmark's `n8n execute` processes (NODE_OPTIONS=--require). n8n's CLI prints the run
// through its logger's streams and exits about 100 ms later; a run as large as the HTTP Request baseline's
// (tens of MB of JSON) is then cut short. Exiting a little later lets the logger finish. Times in the benchmark
// come from the run data, so this does not change any figure.
const exit = process.exit.bind(process);
let exiting = false;
process.exit = (code) => {
	if (exiting) return undefined;
	exiting = true;
	setTimeout(() => exit(code), 3000);
	return undefined;
};
