console.log("bench todo")
