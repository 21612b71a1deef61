const greeting: string = "OK";
console.log(greeting);
